"""An editor reviews the federal lists in the admin: agreements, ICE's rows, designations and the
importers' questions."""

import datetime

import pytest
from django.urls import reverse

from cities.models import StanceLevel
from federal.models import Agreement, Designation, ReviewItem, ReviewKind
from statements import services
from tests.factories import AgencyFactory, SourceFactory, StanceFactory
from tests.federal.conftest import row, run_import

pytestmark = pytest.mark.django_db


def url(model, page, *args):
    return reverse(f"admin:federal_{model._meta.model_name}_{page}", args=args)


@pytest.fixture
def imported(sheet, florida):
    """Two sheriffs on ICE's list, one of whom an editor says refuses; one unmatched row."""
    sheriff = AgencyFactory(
        jurisdiction=florida["Escambia"], name="Escambia County Sheriff's Office", kind="sheriff"
    )
    stance = StanceFactory(jurisdiction=florida["Escambia"], agency=sheriff,
                           level=StanceLevel.REFUSES, effective_from=datetime.date(2024, 1, 1))  # fmt: skip
    services.stance_publish(stance=stance)
    run_import(sheet("05162025am", [
        row("Escambia County Sheriff's Office", county="Escambia County"),
        row("Bay County Sheriff's Office", county="Bay County"),
        row("Sanford Airport Police Department", type_="Municipality"),
    ]))  # fmt: skip
    Designation.objects.create(
        jurisdiction=florida["Bay"],
        designated_by="US Department of Justice",
        label="sanctuary jurisdiction",
        designated_on=datetime.date(2025, 8, 5),
        source=SourceFactory(),
    )
    return florida


@pytest.mark.parametrize(
    ("model", "words"),
    [(Agreement, "Escambia"), (Designation, "Bay"), (ReviewItem, "Escambia")],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_editor_opens_each_list_with_every_filter_and_a_search(
    editor_client, imported, model, words
):
    response = editor_client.get(url(model, "changelist"))
    assert response.status_code == 200
    changelist = response.context["cl"]
    assert changelist.result_count == model.objects.count() > 0
    for spec in changelist.filter_specs:
        for choice in list(spec.choices(changelist))[1:4]:
            filtered = editor_client.get(url(model, "changelist") + choice["query_string"])
            assert filtered.status_code == 200, (spec.title, choice["query_string"])
    searched = editor_client.get(url(model, "changelist"), {"q": words})
    assert searched.context["cl"].result_count >= 1


def test_the_review_filter_shows_the_agreement_that_disagrees_with_an_editors_stance(
    editor_client, imported
):
    response = editor_client.get(url(Agreement, "changelist"), {"review": "disagrees"})

    assert [a.agency.name for a in response.context["cl"].result_list] == [
        "Escambia County Sheriff's Office"
    ]


def test_icees_rows_show_the_unmatched_one_and_why(editor_client, imported):
    response = editor_client.get(reverse("admin:federal_listing_changelist"), {"matched": "no"})

    page = response.content.decode()
    assert [listing.row_number for listing in response.context["cl"].result_list] == [4]
    assert "no place named “Sanford Airport” in Florida in the gazetteer" in page


def test_an_agreement_is_read_only_and_shows_the_rows_it_comes_from(editor_client, imported):
    agreement = Agreement.objects.get(agency__name="Bay County Sheriff's Office")

    response = editor_client.get(url(Agreement, "change", agreement.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert "View agreement" in page
    assert 'name="signed_on"' not in page
    assert "ICE participating agencies, 2025-05-16" in page


def test_editor_resolves_a_review_item_by_saying_what_was_decided(editor_client, editor, imported):
    item = ReviewItem.objects.get(kind=ReviewKind.STANCE_DISAGREES)

    response = editor_client.post(
        url(ReviewItem, "change", item.pk),
        {"resolution": "Our stance stands: the sheriff ended jail cooperation in 2024.",
         "opened_version": item.version},
    )  # fmt: skip

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.resolved_by == editor
    assert item.resolved_at is not None
    assert item.resolution.startswith("Our stance stands")


def test_editor_records_a_jurisdictions_reply_with_its_source(editor_client, imported):
    designation = Designation.objects.get()
    reply_source = SourceFactory(publisher="Bay County", title="Statement on the DOJ list")
    form = {
        "jurisdiction": designation.jurisdiction_id,
        "designated_by": designation.designated_by,
        "label": designation.label,
        "designated_on": "2025-08-05",
        "source": designation.source_id,
        "withdrawn_on": "",
        "reply": "",
        "reply_source": reply_source.pk,
        "opened_version": designation.version,
    }

    refused = editor_client.post(url(Designation, "change", designation.pk), form)
    assert "Give the reply its source cites." in refused.content.decode()

    form["reply"] = "Our inclusion on this list is an error."
    saved = editor_client.post(url(Designation, "change", designation.pk), form)

    assert saved.status_code == 302
    designation.refresh_from_db()
    assert (designation.reply, designation.reply_source) == (
        "Our inclusion on this list is an error.",
        reply_source,
    )
