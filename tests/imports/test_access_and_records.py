"""Who may import and export, and how jurisdictions, officials, roles and sources are matched."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cities.models import Jurisdiction, Official, Role
from statements.models import Source, Statement, Status
from tests.imports.conftest import Importer, csv_file


def test_the_list_pages_offer_import_and_export(editor_client):
    page = editor_client.get(reverse("admin:statements_statement_changelist")).content.decode()

    assert reverse("admin:statements_statement_import") in page
    assert reverse("admin:statements_statement_export") in page


def test_a_contributor_imports_statements_as_drafts_and_cannot_publish_by_import(
    contributor_client, jurisdiction_factory, official_factory
):
    jurisdiction_factory(name="Chicago", state="IL")
    official_factory(name="Brandon Johnson")
    rows = [
        ["jurisdiction", "official", "said_on", "medium", "quote", "status"],
        ["chicago-il", "brandon-johnson", "2025-01-21", "interview", "No.", "published"],
    ]

    Importer(contributor_client, "statements_statement").import_rows(rows)

    statement = Statement.objects.get()
    assert (statement.status, statement.created_by) == (Status.DRAFT, contributor_client.user)


@pytest.fixture
def viewer_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="viewer", password="a-long-viewer-password", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="view_statement"))
    client.force_login(user)
    return client


def test_a_user_who_may_only_view_cannot_import_but_can_export(viewer_client):
    statements = Importer(viewer_client, "statements_statement")

    assert viewer_client.get(statements.url("import")).status_code == 403
    upload = statements.upload(csv_file([["jurisdiction"], ["x"]]))
    assert upload.status_code == 403
    confirm = viewer_client.post(
        statements.url("process_import"),
        {"import_file_name": "x", "original_file_name": "x.csv", "format": "0"},
    )
    assert confirm.status_code == 403
    assert statements.export().status_code == 200
    page = viewer_client.get(reverse("admin:statements_statement_changelist")).content.decode()
    assert reverse("admin:statements_statement_import") not in page


def test_a_user_without_view_permission_cannot_export(viewer_client):
    response = viewer_client.post(reverse("admin:cities_jurisdiction_export"), {"format": "0"})

    assert response.status_code == 403


def test_jurisdictions_are_matched_by_slug_and_the_preview_shows_creates_and_updates(
    importer, jurisdiction_factory
):
    jurisdiction_factory(name="Denver", state="CO", population=700_000)
    rows = [
        ["slug", "name", "state", "level", "population"],
        ["denver-co", "Denver", "CO", "city", "715522"],
        ["", "Aurora", "co", "City", "386261"],
    ]

    preview, _ = importer("cities_jurisdiction").import_rows(rows)

    result = preview.context["result"]
    assert [row.import_type for row in result.valid_rows()] == ["update", "new"]
    assert result.totals["new"] == 1 and result.totals["update"] == 1
    assert "1 new, 1 updated." in preview.content.decode()
    assert dict(Jurisdiction.objects.values_list("slug", "population")) == {
        "denver-co": 715_522,
        "aurora-co": 386_261,
    }


def test_importing_the_same_jurisdictions_twice_updates_instead_of_duplicating(importer):
    jurisdictions = importer("cities_jurisdiction")
    rows = [["name", "state"], ["Aurora", "CO"]]

    jurisdictions.import_rows(rows)
    preview, _ = jurisdictions.import_rows(rows)

    assert [r.import_type for r in preview.context["result"].valid_rows()] == ["update"]
    assert Jurisdiction.objects.count() == 1


def test_coordinates_come_in_pairs(importer):
    preview = importer("cities_jurisdiction").upload(
        csv_file([["name", "state", "latitude", "longitude"], ["Aurora", "CO", "39.7", ""]])
    )

    (row,) = preview.context["result"].invalid_rows
    assert row.field_specific_errors == {
        "longitude": ["Give both latitude and longitude, or leave both empty."]
    }


def test_officials_and_their_roles_import_by_slug(importer, jurisdiction_factory):
    jurisdiction_factory(name="Chicago", state="IL")
    importer("cities_official").import_rows([["name"], ["Brandon Johnson"]])
    roles = [
        ["official", "title", "jurisdiction", "started_on", "ended_on"],
        ["brandon-johnson", "Mayor", "chicago-il", "2023-05-15", ""],
        ["brandon-johnson", "Alderman", "chicago-il", "2011-05-16", "2011-05-15"],
    ]

    preview = importer("cities_role").upload(csv_file(roles))

    (row,) = preview.context["result"].invalid_rows
    assert (row.number, row.field_specific_errors) == (
        2,
        {"ended_on": ["A role cannot end before it starts."]},
    )
    assert Official.objects.get().slug == "brandon-johnson"
    assert Role.objects.count() == 0


def test_sources_match_by_url_and_a_relayed_source_by_its_citing_url(importer):
    sources = importer("statements_source")
    rows = [
        ["url", "publisher", "title", "published_on", "cited_in"],
        ["https://news.example.org/a", "HuffPost", "Raids", "2025-01-21", ""],
        ["", "Denver Post", "", "", "https://news.example.org/a"],
        ["", "Nobody", "", "", ""],
    ]

    preview = sources.upload(csv_file(rows))
    (row,) = preview.context["result"].invalid_rows
    # The constraint's message, the same as on the admin's form.
    assert row.field_specific_errors == {
        "url": ["Give the URL, or choose under “cited in” the source that names this one."]
    }

    sources.import_rows(rows[:3])
    preview, _ = sources.import_rows(rows[:3])

    assert [r.import_type for r in preview.context["result"].valid_rows()] == ["update", "update"]
    relayed = Source.objects.get(publisher="Denver Post")
    assert relayed.cited_in.title == "Raids"


def test_the_examples_in_the_import_guide_import_cleanly(importer, source_factory, editor):
    """docs/import.md's example files, imported in the order the guide gives."""
    import csv
    import io
    import re
    from pathlib import Path

    from django.conf import settings

    from cities.models import Agency

    guide = (Path(settings.BASE_DIR) / "docs" / "import.md").read_text()
    examples = [
        (section.split("\n", 1)[0], block)
        for section in guide.split("\n### ")[1:]
        for block in re.findall(r"```csv\n(.*?)```", section, flags=re.DOTALL)
    ]
    admins = {
        "Jurisdictions": "cities_jurisdiction",
        "Roles": "cities_role",
        "Statements": "statements_statement",
        "Stances": "statements_stance",
    }
    assert [name for name, _ in examples] == list(admins)
    for url in ["raids", "follow-up", "ordinance"]:
        source_factory(url=f"https://news.example.org/{url}")

    for name, text in examples:
        if name == "Roles":
            importer("cities_official").import_rows([["name"], ["Brandon Johnson"]])
            Agency.objects.create(
                jurisdiction=Jurisdiction.objects.get(slug="chicago-il"),
                name="Chicago Police Department",
                kind="police",
            )
        rows = list(csv.reader(io.StringIO(text)))
        importer(admins[name]).import_rows(rows)

    statement = Statement.objects.get(official__slug="brandon-johnson")
    assert statement.sources.count() == 2
    assert statement.history.first().history_user == editor
    assert Jurisdiction.objects.get(slug="chicago-il").parent.slug == "cook-county-il"


def test_the_import_page_lists_the_columns_and_the_limits(editor_client):
    page = editor_client.get(reverse("admin:statements_statement_import")).content.decode()

    assert "id, jurisdiction, official, agency, said_on, said_on_basis, medium" in page
    assert "at most 5.0 MB and 1,000 rows" in page
    assert "always arrive as drafts" in page
