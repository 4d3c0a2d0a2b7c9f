from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from .i18n import switch_language


class FaviconRedirect(RedirectView):
    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        # Resolved per request: the manifest of hashed static names may not exist at import.
        return static("favicon.svg")


# A refused request gets a page with the reason and a way back, in the admin's look there.
handler403 = "tracker.errors.permission_denied"

admin.site.site_header = "Sanctuary Tracker: editors"
admin.site.site_title = "Sanctuary Tracker"
admin.site.index_title = "Curate jurisdictions, statements and stances"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", FaviconRedirect.as_view()),
    path("api/", include("public.api.urls")),
    path("language/<str:language>/", switch_language, name="switch_language"),
]
# The public pages in every language: English at the addresses it always had, Spanish under /es/
# (tracker/i18n.py). The admin and the API above stay English, at one address each.
urlpatterns += i18n_patterns(
    path("", include("public.places.urls")),
    path("", include("public.pages.urls")),
    path("", include("public.claims.urls")),
    path("", include("public.maps.urls")),
    path("", include("public.embed.urls")),
    path("alerts/", include("alerts.urls")),
    prefix_default_language=False,
)
