"""The national data as the public pages are tested with: small ICE sheets and a small DOJ list
imported through `federal.services`, an editor's stance published through `statements.services`,
and helpers that read a page the way a reader does."""

import datetime
import html
import re
from pathlib import Path

from django.urls import reverse

from cities.models import JurisdictionLevel, StanceLevel
from federal.services import designations_import, ice_list_import
from tests import factories
from tests.federal.conftest import row, write_sheet

D = datetime.date
T = datetime.datetime
MOA = "https://www.ice.gov/doclib/287gMOA/escambiaCo_TFM_MOA_02.26.2025.pdf"
DOJ_URL = "https://www.justice.gov/ag/us-sanctuary-jurisdiction-list"
DOJ_LIST = f"""level,name,state,designated_on,designated_by,source_url
county,Escambia County,FL,2025-08-05,US Department of Justice,{DOJ_URL}
county,Bay County,FL,2025-08-05,US Department of Justice,{DOJ_URL}
county,Miami-Dade County,FL,2025-08-05,US Department of Justice,{DOJ_URL}
"""


def build_national(folder: Path) -> dict:
    """Florida and four of its counties; ICE's lists of May and July 2025 and July's pending
    list; the DOJ list naming three of the counties. Returns the places by short name.

    - Escambia: its sheriff listed in May and July (a Task Force agreement, with its MOA);
      designated a sanctuary jurisdiction: the two disagree.
    - Bay: its sheriff listed in May only (no longer listed on July 18); designated.
    - Miami-Dade: no agreement; an editor's stance "Refuses cooperation"; designated.
    - Osceola: a pending application only.
    - One row of May's sheet names a county that does not exist: unmatched.
    """
    state = factories.JurisdictionFactory(
        name="Florida", slug="florida", state="FL", level=JurisdictionLevel.STATE
    )
    places = {"Florida": state}
    for name in ("Escambia", "Bay", "Miami-Dade", "Osceola"):
        places[name] = factories.JurisdictionFactory(
            name=f"{name} County",
            slug=f"{name.lower()}-county-fl",
            state="FL",
            level=JurisdictionLevel.COUNTY,
            parent=state,
            population=None,
        )
    escambia = row("Escambia County Sheriff's Office", county="Escambia County", moa=MOA)
    sheets = [
        ("participatingAgencies05162025am.xlsx", False, [
            escambia,
            row("Bay County Sheriff's Office", county="Bay County", signed=T(2024, 3, 1)),
            row("Atlantis County Sheriff's Office", county="Atlantis County"),
        ]),
        ("participatingAgencies07182025pm.xlsx", False, [escambia]),
        ("pendingAgencies07182025pm.xlsx", True, [
            row("Osceola County Sheriff's Office", county="Osceola County",
                support="Jail Enforcement Model"),
        ]),
    ]  # fmt: skip
    for name, pending, rows in sheets:
        ice_list_import(path=write_sheet(folder / name, rows, pending=pending), load_counties=False)

    factories.PublishedStanceFactory(
        jurisdiction=places["Miami-Dade"],
        level=StanceLevel.REFUSES,
        effective_from=D(2019, 1, 1),
        summary="The county declines ICE detainer requests without a judicial warrant.",
    )
    doj = folder / "doj.csv"
    doj.write_text(DOJ_LIST, encoding="utf-8")
    designations_import(path=doj, load_counties=False)
    for place in places.values():
        place.refresh_from_db()
    return places


def visible(page: str) -> str:
    """The text a reader sees: tags dropped, entities read, spaces collapsed."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r" ([.,;:)”])", r"\1", text)
    return re.sub(r"([(“]) ", r"\1", text).strip()


def section(page: str, heading_id: str) -> str:
    """The visible text of the <section> titled by the heading with this id."""
    match = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', page, re.S
    )
    assert match, f"no section {heading_id}"
    return visible(match.group(1))


def page_of(client, slug: str) -> str:
    response = client.get(reverse("cities:detail", kwargs={"slug": slug}))
    assert response.status_code == 200
    return response.content.decode()
