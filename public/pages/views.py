"""Pages of prose about the tracker itself, with the figures they cite read from the records."""

from django.conf import settings
from django.views.generic import TemplateView

from cities.models import StanceLevel
from federal.models import SupportType
from public.places.national import national_figures
from tracker.page_tags import LISTS, depends_on


class MethodologyView(TemplateView):
    """/methodology/: what the records mean and where they stop, for journalists. Four queries
    (the national figures)."""

    template_name = "pages/methodology.html"

    def get_context_data(self, **kwargs):
        depends_on(self.request, *LISTS)  # the national figures
        return {
            **super().get_context_data(**kwargs),
            "national": national_figures(),
            "stance_levels": StanceLevel,
            "support_types": SupportType,
            "corrections_email": settings.CORRECTIONS_EMAIL,
        }
