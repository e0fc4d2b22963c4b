"""The "Certification staff" group: people who run certification without being administrators."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Certification staff"
# Loaded programmes, history and decisions are never edited by hand: view only.
VIEW_ONLY = {"certificationprogramme", "portfoliorequirement", "trainingcomponent", "competence",
             "certificationtransition", "committeedecision", "certificate", "expiryreminder",
             "evaluation", "evaluationscore"}
EDITABLE = {"facilitatorprofile", "certification", "portfoliodocument", "trainingresult",
            "practicerecord", "communitycontribution"}


def create_group(apps, schema_editor):
    # Permissions are created after migrations; create ours now so the group can hold them.
    app_config = apps.get_app_config("facilitators")
    app_config.models_module = getattr(app_config, "models_module", None) or True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"view_{model}" for model in VIEW_ONLY | EDITABLE]
    codenames += [f"{verb}_{model}" for model in EDITABLE for verb in ("add", "change")]
    group, _created = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="facilitators", codename__in=codenames)
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("facilitators", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
