from django.shortcuts import render
from django.views.generic import DetailView

from .models import Jurisdiction, Official


def home(request):
    jurisdictions = Jurisdiction.objects.order_by("name")
    return render(request, "cities/home.html", {"jurisdictions": jurisdictions})


class JurisdictionDetailView(DetailView):
    model = Jurisdiction
    template_name = "cities/jurisdiction_detail.html"
    context_object_name = "jurisdiction"


class OfficialDetailView(DetailView):
    model = Official
    template_name = "cities/official_detail.html"
    context_object_name = "official"
