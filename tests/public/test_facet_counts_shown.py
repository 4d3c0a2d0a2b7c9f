"""A facet's counts are grouped as the reader reads numbers, as the count of results is:
20,339 in English, 20.339 in Spanish."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from public.filter_parts import Facet, FacetOption


@pytest.mark.parametrize(("language", "shown"), [("en", "(20,339)"), ("es", "(20.339)")])
def test_a_count_in_the_thousands_is_grouped(language, shown):
    facet = Facet(
        name="stance",
        label="Stance",
        multiple=True,
        options=[
            FacetOption(value="refuses", label="Refuses cooperation", count=20339, selected=False)
        ],
    )

    with translation.override(language):
        html = render_to_string("includes/facet.html", {"facet": facet})

    assert f'<span class="count">{shown}</span>' in html
