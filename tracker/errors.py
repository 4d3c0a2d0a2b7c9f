"""The refused request's page (403): in the admin's look for editors in the admin, with the
reason and a way back; the site's own page for everyone else. Never Django's bare
"403 Forbidden"."""

from django.contrib import admin
from django.http import HttpResponseForbidden
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults


def permission_denied(request, exception):
    user = getattr(request, "user", None)
    if not (request.path.startswith(reverse("admin:index")) and user and user.is_staff):
        return defaults.permission_denied(request, exception)
    back = request.headers.get("Referer", "")
    if back == request.build_absolute_uri() or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    context = {
        **admin.site.each_context(request),
        "title": _("Not allowed"),
        "exception": str(exception),
        "back_url": back,
    }
    return HttpResponseForbidden(render_to_string("admin/403.html", context, request))
