from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATED_APPS = ["cities", "statements"]
PUBLISH = ["publish_statement", "publish_stance"]


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; create them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    curated = Permission.objects.filter(content_type__app_label__in=CURATED_APPS)

    # Contributors create and edit drafts; they neither publish nor delete.
    contributors, _ = Group.objects.get_or_create(name="Contributors")
    contributors.permissions.set(
        curated.exclude(codename__in=PUBLISH).exclude(codename__startswith="delete_")
    )
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(curated)
    administrators, _ = Group.objects.get_or_create(name="Administrators")
    administrators.permissions.set(
        curated | Permission.objects.filter(content_type__app_label="auth")
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Contributors", "Administrators"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("statements", "0005_publish_permissions")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
