"""Read the Justice Department's list of "sanctuary jurisdictions" (federal/data/doj/*.csv).

Columns: level (state, federal district, county, city), name (as DOJ wrote it), state (USPS),
designated_on (YYYY-MM-DD), designated_by, source_url. No database access here.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cities.models import JurisdictionLevel, State

COLUMNS = ("level", "name", "state", "designated_on", "designated_by", "source_url")
LEVELS = {
    "state": JurisdictionLevel.STATE,
    "federal district": JurisdictionLevel.FEDERAL_DISTRICT,
    "county": JurisdictionLevel.COUNTY,
    "city": JurisdictionLevel.CITY,
}
# DOJ's own words for what it lists, from the list's title.
LABEL = "sanctuary jurisdiction"
TITLES = {
    "https://www.justice.gov/ag/us-sanctuary-jurisdiction-list-following-executive-order-14287-protecting-american-communities": (
        "U.S. Sanctuary Jurisdiction List Following Executive Order 14287: Protecting "
        "American Communities"
    ),
}


class DojListError(ValueError):
    """The file is not the DOJ list's CSV; the message says why."""


@dataclass(frozen=True)
class DojRow:
    line: int
    level: JurisdictionLevel
    name: str
    state: str
    designated_on: datetime.date
    designated_by: str
    source_url: str

    @property
    def source_title(self) -> str:
        return TITLES.get(self.source_url, "")


@dataclass(frozen=True)
class DojRowError:
    line: int
    name: str
    reason: str


def read_doj_list(path: Path) -> Iterator[DojRow | DojRowError]:
    """Each data line of the CSV as a DojRow, or a DojRowError saying what is wrong with it."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise DojListError(f"{Path(path).name}: missing columns {', '.join(missing)}.")
        for record in reader:
            line = reader.line_num
            values = {key: " ".join((record.get(key) or "").split()) for key in COLUMNS}
            if not any(values.values()):
                continue
            yield _row(line, values)


def _row(line: int, values: dict[str, str]) -> DojRow | DojRowError:
    name = values["name"]
    level = LEVELS.get(values["level"].casefold())
    if not name:
        return DojRowError(line, name, "no name")
    if level is None:
        return DojRowError(line, name, f"unknown level “{values['level']}”")
    if values["state"] not in State.values:
        return DojRowError(line, name, f"unknown state “{values['state']}”")
    try:
        designated_on = datetime.date.fromisoformat(values["designated_on"])
    except ValueError:
        return DojRowError(line, name, f"date “{values['designated_on']}” is not YYYY-MM-DD")
    if not values["source_url"].startswith(("https://", "http://")):
        return DojRowError(line, name, "no source URL")
    if not values["designated_by"]:
        return DojRowError(line, name, "no designating body")
    return DojRow(
        line=line,
        level=level,
        name=name,
        state=values["state"],
        designated_on=designated_on,
        designated_by=values["designated_by"],
        source_url=values["source_url"],
    )
