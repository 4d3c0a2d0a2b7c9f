from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
CURATED_APPS = ["cities", "statements"]


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after migrate; create them now so the group can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(Permission.objects.filter(content_type__app_label__in=CURATED_APPS))


def delete_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cities", "0001_jurisdictions_agencies_officials"),
        ("statements", "0001_sources_events_statements_stances"),
    ]

    operations = [migrations.RunPython(create_editors_group, delete_editors_group)]
