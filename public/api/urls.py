"""/api/: version 1 of the API under /api/v1/, its OpenAPI schema and its documentation page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"


class Router(DefaultRouter):
    # One representation per address (no `.json` suffixes): the page cache keys by address.
    include_format_suffixes = False

    def get_api_root_view(self, api_urls=None):
        """/api/v1/: every list's address, the change log's too."""
        lists = {
            prefix: self.routes[0].name.format(basename=basename)
            for prefix, _, basename in self.registry
        }
        return self.APIRootView.as_view(api_root_dict={**lists, "changes": "change-list"})


router = Router()
router.register("jurisdictions", views.JurisdictionViewSet, basename="jurisdiction")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("officials", views.OfficialViewSet, basename="official")
router.register("roles", views.RoleViewSet, basename="role")
router.register("sources", views.SourceViewSet, basename="source")
router.register("events", views.EventViewSet, basename="event")
router.register("statements", views.StatementViewSet, basename="statement")
router.register("stances", views.StanceViewSet, basename="stance")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("designations", views.DesignationViewSet, basename="designation")

v1 = [
    *router.urls,
    path("changes/", views.ChangeLogView.as_view(), name="change-list"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema",
            template_name="api/swagger_ui.html",
            template_name_js="api/swagger_ui.js",
        ),
        name="docs",
    ),
    # Anything else under /api/ answers a JSON 404, not the site's HTML page.
    re_path(r"^", views.not_found),
]
