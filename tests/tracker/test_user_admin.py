"""No one grants a privilege he does not hold (issue 12, finding 9).

An Administrators-group user (not a superuser) ticked `is_superuser` on himself. Now he neither
sees nor changes it, gives only the groups and permissions he holds, keeps what he cannot grant as
it was, and cannot change a superuser's account.
"""

import pytest
from django.contrib.auth.models import Group, Permission

from tests.admin_helpers import admin_url, messages_of


@pytest.fixture
def administrator(db, django_user_model):
    user = django_user_model.objects.create_user(
        "ada", password="a-long-admin-password", is_staff=True, first_name="Ada"
    )
    user.groups.add(Group.objects.get(name="Administrators"))
    return user


@pytest.fixture
def as_administrator(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def colleague(db, django_user_model):
    user = django_user_model.objects.create_user("carl", is_staff=True, first_name="Carl")
    user.groups.add(Group.objects.get(name="Contributors"))
    return user


def user_post(user, **changes) -> dict:
    """The user change form as a browser posts it (the dates in the admin's two boxes)."""
    joined = user.date_joined
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "user_permissions": [str(pk) for pk in user.user_permissions.values_list("pk", flat=True)],
        "date_joined_0": joined.date().isoformat(),
        "date_joined_1": joined.time().strftime("%H:%M:%S"),
    }
    return {**data, **changes}


def not_held() -> Permission:
    """A permission no newsroom role holds: deleting the admin's own action log."""
    return Permission.objects.get(codename="delete_logentry")


def test_an_administrator_cannot_make_himself_a_superuser(as_administrator, administrator):
    url = admin_url(type(administrator), "change", administrator.pk)
    page = as_administrator.get(url)
    assert "is_superuser" not in page.context["adminform"].form.fields
    assert 'name="is_superuser"' not in page.content.decode()

    response = as_administrator.post(url, user_post(administrator, is_superuser="on"))

    assert response.status_code == 302
    administrator.refresh_from_db()
    assert not administrator.is_superuser


def test_nor_anyone_else(as_administrator, colleague):
    url = admin_url(type(colleague), "change", colleague.pk)
    as_administrator.post(url, user_post(colleague, is_superuser="on", first_name="Carla"))

    colleague.refresh_from_db()
    assert colleague.first_name == "Carla" and not colleague.is_superuser


def test_an_administrator_gives_the_newsroom_roles_but_no_permission_he_lacks(
    as_administrator, colleague
):
    url = admin_url(type(colleague), "change", colleague.pk)
    offered = as_administrator.get(url).context["adminform"].form.fields
    roles = set(offered["groups"].queryset.values_list("name", flat=True))
    assert roles == {"Contributors", "Editors", "Administrators"}
    assert not_held() not in offered["user_permissions"].queryset

    editors = Group.objects.get(name="Editors")
    granted = as_administrator.post(url, user_post(colleague, groups=[str(editors.pk)]))
    assert granted.status_code == 302
    assert list(colleague.groups.all()) == [editors]

    refused = as_administrator.post(url, user_post(colleague, user_permissions=[not_held().pk]))
    assert refused.status_code == 200
    assert "Select a valid choice" in str(refused.context["adminform"].form.errors)
    assert not colleague.user_permissions.exists()


def test_a_group_holding_more_than_he_does_is_neither_offered_nor_taken_away(
    as_administrator, colleague
):
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.add(not_held())
    colleague.groups.add(auditors)
    url = admin_url(type(colleague), "change", colleague.pk)

    offered = as_administrator.get(url).context["adminform"].form.fields["groups"].queryset
    assert auditors not in offered
    contributors = Group.objects.get(name="Contributors")
    as_administrator.post(url, user_post(colleague, groups=[str(contributors.pk)]))

    assert set(colleague.groups.all()) == {contributors, auditors}


def test_a_superusers_account_and_password_are_not_the_administrators_to_change(
    as_administrator, django_user_model
):
    root = django_user_model.objects.create_superuser("root", password="a-long-root-password")
    url = admin_url(django_user_model, "change", root.pk)

    page = as_administrator.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    as_administrator.post(url, user_post(root, is_active=""))
    password = as_administrator.post(
        admin_url(django_user_model, "password_change", root.pk),
        {"password1": "taken-over-42-x", "password2": "taken-over-42-x"},
    )

    assert password.status_code == 403
    root.refresh_from_db()
    assert root.is_active and root.check_password("a-long-root-password")


def test_an_administrator_cannot_add_a_permission_he_lacks_to_a_group(as_administrator):
    contributors = Group.objects.get(name="Contributors")
    held = list(contributors.permissions.values_list("pk", flat=True))
    url = admin_url(Group, "change", contributors.pk)

    response = as_administrator.post(
        url, {"name": "Contributors", "permissions": [*held, not_held().pk]}
    )

    assert response.status_code == 200
    assert not contributors.permissions.filter(pk=not_held().pk).exists()


def test_a_superuser_still_grants_superuser_status(client, django_user_model, colleague):
    root = django_user_model.objects.create_superuser("root", password="a-long-root-password")
    client.force_login(root)
    url = admin_url(django_user_model, "change", colleague.pk)

    response = client.post(url, user_post(colleague, is_superuser="on"), follow=True)

    assert any("was changed successfully" in m for m in messages_of(response))
    colleague.refresh_from_db()
    assert colleague.is_superuser
