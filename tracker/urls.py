from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Sanctuary Tracker: editors"
admin.site.site_title = "Sanctuary Tracker"
admin.site.index_title = "Curate jurisdictions, statements and stances"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("", include("cities.urls")),
    path("", include("statements.urls")),
    path("", include("maps.urls")),
]
