"""The newsroom roles exist with the right permissions, even after a database is flushed."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command


def codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


@pytest.mark.django_db
def test_contributors_edit_drafts_but_neither_publish_nor_delete():
    contributors = codenames("Contributors")
    assert {"add_statement", "change_statement", "add_source", "change_stance"} <= contributors
    assert not contributors & {"publish_statement", "publish_stance", "delete_statement"}
    assert not any(name.endswith("_user") for name in contributors)


@pytest.mark.django_db
def test_editors_publish_and_administrators_also_manage_users():
    assert {"publish_statement", "publish_stance", "delete_statement"} <= codenames("Editors")
    assert not any(name.endswith("_user") for name in codenames("Editors"))
    assert {"add_user", "change_user", "publish_statement"} <= codenames("Administrators")


@pytest.mark.django_db(transaction=True)
def test_the_roles_come_back_after_the_database_is_flushed():
    call_command("flush", interactive=False, verbosity=0)
    publish = Permission.objects.get(codename="publish_statement")
    assert publish in Group.objects.get(name="Editors").permissions.all()
    assert publish not in Group.objects.get(name="Contributors").permissions.all()
