from django.views.generic import DetailView

from .models import Event, Statement


class StatementDetailView(DetailView):
    template_name = "statements/statement_detail.html"
    context_object_name = "statement"

    def get_queryset(self):
        return Statement.objects.for_list().prefetch_related("sources")


class EventDetailView(DetailView):
    model = Event
    template_name = "statements/event_detail.html"
    context_object_name = "event"
