from django.urls import path

from . import views

app_name = "embed"

urlpatterns = [
    path("embed/<slug:slug>/", views.card, name="card"),
]
