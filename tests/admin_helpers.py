"""What a test needs to drive the admin as an editor's browser would: its URLs, the form it
posts back, and the messages it shows."""

from django.contrib.messages import get_messages
from django.urls import reverse


def admin_url(model, page: str, *args) -> str:
    """The admin URL of `page` ("add", "change", "changelist", "history", ...) for `model`."""
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def form_data(response) -> dict:
    """What the browser would POST back from an unchanged admin change page: the main form and
    every inline with its management form."""
    data = _values(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        data.update(_values(inline.formset.management_form))
        for form in inline.formset.initial_forms:
            data.update(_values(form))
    return data


def _values(form) -> dict:
    data = {}
    for bound in form:
        value = bound.value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        elif isinstance(value, bool):
            # An unticked checkbox is left out of a browser's POST.
            if value:
                data[bound.html_name] = "on"
        else:
            data[bound.html_name] = str(value)
    return data


def messages_of(response) -> list[str]:
    """The messages the admin queued for the person, whether the test followed the redirect."""
    return [str(message) for message in get_messages(response.wsgi_request)]
