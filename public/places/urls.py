from django.urls import path

from . import views

app_name = "cities"

urlpatterns = [
    path("", views.home, name="home"),
    path("cities/", views.JurisdictionListView.as_view(), name="list"),
    path("cities/<slug:slug>/", views.JurisdictionDetailView.as_view(), name="detail"),
    path("officials/<slug:slug>/", views.OfficialDetailView.as_view(), name="official"),
]
