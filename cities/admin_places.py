"""The gazetteer in the admin: searchable by name, state or GeoNames id (the jurisdiction form's
place autocomplete searches it), and a small JSON view of one place that
static/js/place-autofill.js reads to fill the jurisdiction form."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.urls import path

from .models import Place

PLACE_JSON_FIELDS = (
    "geonameid",
    "name",
    "state",
    "latitude",
    "longitude",
    "population",
    "timezone",
)


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "population", "latitude", "longitude", "geonameid"]
    list_filter = ["state"]
    # "=geonameid": an exact id, so that typing digits does not scan every name.
    search_fields = ["name", "state", "=geonameid"]
    ordering = ["-population", "name"]
    readonly_fields = ["geonameid"]
    show_full_result_count = False

    def get_urls(self):
        return [
            path(
                "<int:pk>/data/",
                self.admin_site.admin_view(self.place_data),
                name=f"{self.opts.app_label}_{self.opts.model_name}_data",
            ),
            *super().get_urls(),
        ]

    def place_data(self, request, pk: int):
        """One place's fields as JSON, for the jurisdiction form's autofill (staff only)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        place = Place.objects.filter(pk=pk).values("pk", *PLACE_JSON_FIELDS).first()
        if place is None:
            raise Http404(f"No place has the id {pk}.")
        place["id"] = place.pop("pk")
        return JsonResponse(place)
