from django.urls import path

from . import views

app_name = "statements"

urlpatterns = [
    path("statements/<int:pk>/", views.StatementDetailView.as_view(), name="detail"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event"),
]
