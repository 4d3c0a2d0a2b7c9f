"""An editor opens every admin page of the tracker's records and finds the seeded rows there."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from cities.models import Place
from tracker.apps import DATA_APPS

# The apps the seed fills; federal's admin pages are opened in tests/federal/test_admin.py.
SEEDED_APPS = ("cities", "statements")


def curated_models():
    return sorted(
        (model for model in admin.site._registry if model._meta.app_label in SEEDED_APPS),
        key=lambda model: model._meta.label,
    )


def url(model, page, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


@pytest.fixture
def seeded_editor(seeded, editor_client):
    # The seed does not load the gazetteer; one place stands in for it.
    Place.objects.create(
        geonameid=4887398,
        name="Chicago",
        state="IL",
        latitude=41.85,
        longitude=-87.65,
        population=2720546,
        timezone="America/Chicago",
    )
    return editor_client


@pytest.mark.parametrize("model", curated_models(), ids=lambda m: m._meta.label)
def test_editor_opens_the_list_of_every_model_with_each_filter_and_a_search(seeded_editor, model):
    response = seeded_editor.get(url(model, "changelist"))
    assert response.status_code == 200
    changelist = response.context["cl"]
    assert changelist.result_count == model.objects.count() > 0

    for spec in changelist.filter_specs:
        for choice in list(spec.choices(changelist))[1:4]:
            filtered = seeded_editor.get(url(model, "changelist") + choice["query_string"])
            assert filtered.status_code == 200, (spec.title, choice["query_string"])
            assert "cl" in filtered.context, (spec.title, choice["query_string"])

    if admin.site._registry[model].search_fields:
        searched = seeded_editor.get(url(model, "changelist"), {"q": "Chicago"})
        assert searched.status_code == 200
        assert searched.context["cl"].result_count <= model.objects.count()


@pytest.mark.parametrize("model", curated_models(), ids=lambda m: m._meta.label)
def test_editor_opens_the_add_change_and_history_pages_of_every_model(seeded_editor, model):
    record = model.objects.order_by("pk").first()

    add = seeded_editor.get(url(model, "add"))
    change = seeded_editor.get(url(model, "change", record.pk))
    history = seeded_editor.get(url(model, "history", record.pk))

    assert add.status_code == change.status_code == history.status_code == 200
    assert change.context["original"] == record
    assert str(record) in history.content.decode()
    for name in add.context["adminform"].form.fields:
        assert f'name="{name}"' in add.content.decode(), name


# What an editor expects to read on each list: a search that finds one seeded row, and its text.
LISTS = {
    "cities.Jurisdiction": ("Denver", ["Denver", "Limited cooperation", "denver-co"]),
    "cities.Place": ("Chicago", ["Chicago", "2,720,546", "4887398"]),
    "cities.Agency": ("Denver Police", ["Denver Police Department", "Police department"]),
    "cities.Official": ("Lightfoot", ["Lori Lightfoot", "Mayor, Chicago"]),
    "cities.Role": ("Breed", ["London Breed", "Mayor", "San Francisco, CA"]),
    "statements.Statement": ("unconscionable", ["London Breed", "It is unconscionable"]),
    "statements.Stance": ("Denver", ["Denver Police Department", "Limited cooperation"]),
    "statements.Source": ("CBS", ["CBS Baltimore"]),
    "statements.Event": ("raids", ["ICE family deportation raids announced for June 23, 2019"]),
}


@pytest.mark.parametrize(("label", "expected"), LISTS.items(), ids=list(LISTS))
def test_editor_searches_each_list_and_reads_the_row(seeded_editor, label, expected):
    model = apps.get_model(label)
    query, texts = expected
    response = seeded_editor.get(url(model, "changelist"), {"q": query})
    assert response.context["cl"].result_count == 1
    page = response.content.decode()
    for text in texts:
        assert text in page, text


def test_every_registered_curated_model_has_an_expected_list():
    assert sorted(model._meta.label for model in curated_models()) == sorted(LISTS)


@pytest.mark.parametrize(
    "path", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"]
)
def test_an_editor_cannot_reach_users_or_groups(editor_client, path):
    assert editor_client.get(path).status_code == 403


def test_the_admin_index_lists_the_tracker_but_not_users(editor_client):
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert "Jurisdictions" in page and "Statements" in page and "Stances" in page
    assert "/admin/auth/user/" not in page
    assert "/admin/auth/group/" not in page


def test_the_editors_group_curates_the_data_apps_and_nothing_over_users(db):
    from django.contrib.auth.models import Group

    permissions = Group.objects.get(name="Editors").permissions.select_related("content_type")
    apps_held = {permission.content_type.app_label for permission in permissions}
    codenames = {permission.codename for permission in permissions}
    assert apps_held == {*DATA_APPS, "tracker"}  # tracker: reviewing pending changes
    for model in ("jurisdiction", "agency", "official", "role", "statement", "stance", "source"):
        for action in ("add", "change", "delete", "view"):
            assert f"{action}_{model}" in codenames
    assert not permissions.filter(content_type__app_label="auth").exists()
