"""/embed/<slug>/: a small card of one jurisdiction that other sites may show in an <iframe>.

The only route that relaxes the site's framing rules: its Content-Security-Policy allows any
ancestor (`frame-ancestors *`) and it carries no X-Frame-Options; every other response keeps
`frame-ancestors 'none'` and `X-Frame-Options: DENY`. It is an anonymous GET like any page, so
the page cache keeps it (with the headers it was rendered with).
"""

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from federal.models import Designation
from public.places.querysets import public_jurisdictions
from tracker.page_tags import depends_on, place_tag

# The site's policy with one change; the card runs no script and its links leave the frame.
FRAMABLE_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


@require_safe
@xframe_options_exempt
@csp_override(FRAMABLE_CSP)
def card(request, slug: str):
    """Three queries: the place, its designations in force (with their sources), its latest
    published statement (with its sources: one more). 404 for no such place."""
    jurisdiction = get_object_or_404(public_jurisdictions(), slug=slug)
    depends_on(request, place_tag(jurisdiction.pk))
    designations = list(
        Designation.objects.in_force_on()
        .filter(jurisdiction=jurisdiction)
        .select_related("source")
        .order_by("designated_on", "pk")
    )
    latest = jurisdiction.statements.for_detail().first()  # newest first (Meta.ordering)
    context = {"jurisdiction": jurisdiction, "designations": designations, "latest": latest}
    return render(request, "embed/card.html", context)
