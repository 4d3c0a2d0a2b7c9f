from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Sanctuary Tracker: editors"
admin.site.site_title = "Sanctuary Tracker"
admin.site.index_title = "Curate jurisdictions, statements and stances"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("cities.urls")),
    path("", include("statements.urls")),
    path("", include("maps.urls")),
]
