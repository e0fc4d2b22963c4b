"""Every model is in the admin; history, decisions and loaded programmes cannot be edited there."""

import pytest
from django.apps import apps
from django.contrib import admin

from facilitators.models import CertificationState
from tests.facilitators import factories as f
from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db
READ_ONLY = {
    "certificationprogramme",
    "portfoliorequirement",
    "trainingcomponent",
    "competence",
    "certificationtransition",
    "committeedecision",
    "certificate",
    "evaluation",
    "evaluationscore",
    "expiryreminder",
}


def test_every_model_is_registered_and_history_is_read_only(client, programme, cert_staff):
    f.walk_to(CertificationState.CERTIFIED, cert_staff)
    superuser = StaffFactory()
    client.login(username=superuser.username, password=PASSWORD)
    for model in apps.get_app_config("facilitators").get_models():
        assert model in admin.site._registry, model
        name = model._meta.model_name
        changelist = client.get(f"/admin/facilitators/{name}/")
        assert changelist.status_code == 200, name
        row = model.objects.first()
        if row is not None:
            assert client.get(f"/admin/facilitators/{name}/{row.pk}/change/").status_code == 200, name
        model_admin = admin.site._registry[model]
        request = type("Request", (), {"user": superuser})()
        if name in READ_ONLY:
            assert not model_admin.has_change_permission(request), name
            assert not model_admin.has_add_permission(request), name


def test_certification_staff_group_has_model_permissions():
    import importlib

    from django.apps import apps as registry
    from django.contrib.auth.models import Group

    migration = importlib.import_module("facilitators.migrations.0002_certification_staff_group")
    migration.create_group(registry, None)  # idempotent: as the migration ran it
    group = Group.objects.get(name="Certification staff")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_certification", "change_certification", "add_practicerecord"} <= codenames
    assert "change_committeedecision" not in codenames
