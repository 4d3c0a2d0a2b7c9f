from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView


class FaviconRedirect(RedirectView):
    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        # Resolved per request: the manifest of hashed static names may not exist at import.
        return static("favicon.svg")


admin.site.site_header = "Sanctuary Tracker: editors"
admin.site.site_title = "Sanctuary Tracker"
admin.site.index_title = "Curate jurisdictions, statements and stances"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", FaviconRedirect.as_view()),
    path("api/", include("public.api.urls")),
    path("", include("public.places.urls")),
    path("", include("public.pages.urls")),
    path("", include("public.claims.urls")),
    path("", include("public.maps.urls")),
]
