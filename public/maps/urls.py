from django.urls import path

from . import views

app_name = "maps"

urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("map/data.geojson", views.map_geojson, name="geojson"),
    path("map/fragment/", views.map_fragment, name="fragment"),
]
