import re

from django.urls import reverse

from .conftest import text


def test_reader_sees_how_many_places_hold_each_stance_on_the_home_page(client, seeded):
    response = client.get(reverse("cities:home"))

    page = text(response)
    assert response.status_code == 200
    chart = re.search(r"<desc[^>]*>(.*?)</desc>", page, re.S).group(1)
    assert "Refuses cooperation: 3." in chart
    assert "Limited cooperation: 1." in chart
    assert "Cooperates: 0." in chart
    assert "No public position: 7." in chart
    assert f'href="{reverse("cities:list")}?stance=refuses">Refuses cooperation: 3 places' in page
    assert "11 jurisdictions tracked" in page


def test_home_page_explains_sourcing_and_shows_the_latest_statements(client, seeded):
    page = text(client.get(reverse("cities:home")))

    assert "How we source claims" in page
    assert "Latest statements" in page
    assert "Muriel Bowser" in page or "Lori Lightfoot" in page
    assert reverse("statements:list") in page
    assert reverse("statements:event", kwargs={"slug": "ice-family-raids-2019-06-23"}) in page


def test_draft_statements_never_reach_the_home_page(client, statement_factory):
    statement_factory(status="draft", quote="A secret draft we must not show.")

    page = text(client.get(reverse("cities:home")))

    assert "A secret draft" not in page
    assert "No statements have been published yet." in page


def test_every_public_page_has_a_title_a_description_and_a_canonical_link(client, seeded):
    urls = [
        reverse("cities:home"),
        reverse("cities:list"),
        reverse("cities:detail", kwargs={"slug": "chicago-il"}),
        reverse("cities:official", kwargs={"slug": "lori-lightfoot"}),
        reverse("statements:list"),
        reverse("statements:event", kwargs={"slug": "ice-family-raids-2019-06-23"}),
    ]
    for url in urls:
        page = text(client.get(url))
        assert re.search(r"<title>[^<]+</title>", page), url
        assert re.search(r'<meta name="description" content="[^"]{20,}">', page), url
        assert f'<link rel="canonical" href="http://testserver{url}">' in page, url
