"""Issuing: the final PDF kept unchanged with its SHA-256 and data version; the reporting guard."""

import hashlib

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from audits import services as audit_services
from audits.roadmap import services as roadmap
from config.errors import DomainError, Forbidden
from reports import services
from reports.models import ReportSnapshot, SnapshotImmutable
from tests.factories import StaffFactory
from tests.roadmap.builders import action, recommendation

pytestmark = pytest.mark.usefixtures("immediate_tasks")


def issue(team, run_on_commit, actor=None):
    with run_on_commit():
        render = services.report_issue(actor=actor or team.people["lead"], audit=team.audit)
    render.refresh_from_db()
    assert render.status == "ready", render.error
    return render


def test_issuing_stores_an_immutable_snapshot(complete, run_on_commit):
    render = issue(complete, run_on_commit)
    snapshot = ReportSnapshot.objects.get(audit=complete.audit)
    pdf = bytes(snapshot.pdf)
    assert snapshot.version == 1 and snapshot.render == render
    assert snapshot.sha256 == hashlib.sha256(pdf).hexdigest() == render.sha256
    assert snapshot.data_version == render.data_version and len(snapshot.data_version) == 64
    assert snapshot.issued_by == complete.people["lead"] and snapshot.pages == render.pages
    assert pdf.startswith(b"%PDF")
    snapshot.language = "fr"
    with pytest.raises(SnapshotImmutable):
        snapshot.save()
    with pytest.raises(SnapshotImmutable):
        snapshot.delete()
    snapshot.refresh_from_db()
    assert snapshot.language == "en" and hashlib.sha256(bytes(snapshot.pdf)).hexdigest() == snapshot.sha256


def test_the_admin_cannot_change_an_issued_report(complete, run_on_commit):
    issue(complete, run_on_commit)
    model_admin = site._registry[ReportSnapshot]
    request = RequestFactory().get("/")
    request.user = StaffFactory()
    snapshot = ReportSnapshot.objects.get()
    assert not model_admin.has_change_permission(request, snapshot)
    assert not model_admin.has_delete_permission(request, snapshot)
    assert not model_admin.has_add_permission(request)


def test_a_later_edit_makes_a_new_version_and_leaves_the_first(complete, run_on_commit):
    issue(complete, run_on_commit)
    first = ReportSnapshot.objects.get()
    with pytest.raises(DomainError, match="Nothing changed since version 1"):
        services.report_issue(actor=complete.people["lead"], audit=complete.audit)
    made = recommendation(complete, "KA04", "Add gender to the induction of new staff.")
    action(complete, made, "Revise the induction programme")
    issue(complete, run_on_commit)
    versions = list(ReportSnapshot.objects.order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].sha256 == first.sha256 and bytes(versions[0].pdf) == bytes(first.pdf)
    assert versions[1].data_version != first.data_version


def test_issuing_needs_a_steering_role_and_resolved_comments(complete, run_on_commit):
    with pytest.raises(Forbidden):
        services.report_issue(actor=complete.people["co_facilitator"], audit=complete.audit)
    comment = roadmap.comment_add(
        actor=complete.people["coordinator"],
        audit=complete.audit,
        recommendation=complete.audit.recommendations.first(),
        text="One more thing.",
    )
    with pytest.raises(DomainError, match="1 open"):
        services.report_issue(actor=complete.people["lead"], audit=complete.audit)
    roadmap.comment_resolve(actor=complete.people["lead"], comment=comment, resolution="Added.")
    issue(complete, run_on_commit)


def test_follow_up_starts_from_an_issued_report(complete, run_on_commit):
    lead, audit = complete.people["lead"], complete.audit
    with pytest.raises(DomainError) as error:
        audit_services.audit_transition(actor=lead, audit_id=audit.pk, target="follow_up")
    assert any("Issue the final report first" in detail for detail in error.value.details)
    issue(complete, run_on_commit)
    record = audit_services.audit_transition(actor=lead, audit_id=audit.pk, target="follow_up")
    assert record.to_phase == "follow_up"
