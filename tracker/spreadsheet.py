"""Spreadsheet safety shared by downloads and imports: a cell is never read as a formula."""

import datetime
from decimal import Decimal

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that a spreadsheet would read as a formula, prefixed with a single quote.

    Numbers and dates stay as they are: they cannot hold a formula, and a longitude such as
    -87.65 must stay a number.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text
