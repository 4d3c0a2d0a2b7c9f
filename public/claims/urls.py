from django.urls import path

from public.downloads import bulk_file

from . import feeds, views

app_name = "statements"

urlpatterns = [
    path("statements/", views.StatementListView.as_view(), name="list"),
    path("statements/feed/", feeds.statement_feed, name="feed"),
    path("statements/<int:pk>/", views.StatementDetailView.as_view(), name="detail"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event"),
    path("changes/", views.ChangesView.as_view(), name="changes"),
    path("changes/feed/", feeds.changes_feed, name="changes_feed"),
    path("cities/<slug:slug>/feed/", feeds.jurisdiction_feed, name="jurisdiction_feed"),
    path("officials/<slug:slug>/feed/", feeds.official_feed, name="official_feed"),
    # The complete files, for runserver; nginx serves /downloads/ from disk in production.
    path("downloads/<str:name>", bulk_file, name="bulk_file"),
]
