"""Follow by e-mail: the subscribe form, the links in the mails, the owner's manage page.

No page here is cached (each is private to whoever holds its link) and none ever shows an
address. A token that matches nothing gets a 404 page that says what to do instead.
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage

from tracker.ratelimit import Limit, too_many_requests

from . import services, targets
from .forms import EmailForm, TargetForm
from .models import Subscriber, Subscription

SUBSCRIPTIONS = Limit("alerts", "RATE_LIMIT_ALERTS", "alert subscriptions")
TOKEN_MAX_LENGTH = 64


def _private(response):
    # The token is in the address: it must not travel to another site in a Referer, nor into a
    # search index. Not "no-referrer": browsers then post the page's forms with `Origin: null`,
    # which Django's CSRF check refuses.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _bad_link(request, reason):
    return _private(
        render(request, "alerts/bad_link.html", {"reason": reason}, status=404),
    )


def _over_limit(request):
    if not SUBSCRIPTIONS.rate:
        return None
    usage = get_usage(
        request, group=SUBSCRIPTIONS.group, key="ip", rate=SUBSCRIPTIONS.rate, increment=True
    )
    if usage is None or not usage["should_limit"]:
        return None
    return too_many_requests(request, SUBSCRIPTIONS, retry_after=max(1, usage["time_left"] + 1))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow(request):
    """GET: the form for the target in the address. POST: ask for confirmation by mail, then
    the same "check your mail" page whether the address is new, waiting or already following."""
    target_form = TargetForm(request.GET)
    if not target_form.is_valid():
        return render(request, "alerts/follow.html", {"target_form": target_form}, status=400)
    target = target_form.cleaned_data["target"]
    preview = Subscription(**target)
    context = {
        "target_form": target_form,
        "label": targets.label(preview),
        "target_url": targets.path(preview),
        "kind": preview.get_kind_display(),
    }
    form = EmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        limited = _over_limit(request)
        if limited is not None:
            return limited
        if form.is_valid():
            try:
                services.subscribe(email=form.cleaned_data["email"], target=target)
            except services.ConfirmationNotSent:
                context |= {"form": form, "not_sent": True}
                return render(request, "alerts/follow.html", context, status=503)
            return redirect("alerts:check_mail")
    context["form"] = form
    return render(request, "alerts/follow.html", context, status=400 if form.errors else 200)


@never_cache
def check_mail(request):
    return render(request, "alerts/check_mail.html", {"days": settings.ALERTS_CONFIRM_DAYS})


def _subscription(token: str) -> Subscription | None:
    if len(token) > TOKEN_MAX_LENGTH:
        return None
    return (
        Subscription.objects.select_related("subscriber", "jurisdiction", "official")
        .filter(token=token)
        .first()
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """GET shows a button, POST confirms: a mail scanner that opens links confirms nothing."""
    subscription = _subscription(token)
    if subscription is None:
        return _bad_link(
            request,
            _("This confirmation link is not valid, or was already used to stop the alert."),
        )
    if subscription.is_expired:
        return _bad_link(
            request,
            _(
                "This confirmation link has expired. Ask for the alert "
                "again, and confirm within %(days)s days."
            )
            % {"days": settings.ALERTS_CONFIRM_DAYS},
        )
    context = {
        "subscription": subscription,
        "label": targets.label(subscription),
        "target_url": targets.path(subscription),
        "manage_url": subscription.subscriber.get_manage_url(),
    }
    if request.method == "POST":
        services.confirm(subscription=subscription)
        return _private(render(request, "alerts/confirmed.html", context))
    return _private(render(request, "alerts/confirm.html", context))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def stop(request, token):
    """Stop one subscription: GET shows a button, POST stops it."""
    subscription = _subscription(token)
    if subscription is None:
        return _bad_link(request, _("This link is not valid: the alert may already be stopped."))
    context = {"label": targets.label(subscription), "target_url": targets.path(subscription)}
    if request.method == "POST":
        services.stop(subscription=subscription)
        return _private(render(request, "alerts/stopped.html", context))
    return _private(render(request, "alerts/stop.html", context))


def _subscriber(token_field: str, token: str) -> Subscriber | None:
    if len(token) > TOKEN_MAX_LENGTH:
        return None
    return Subscriber.objects.filter(**{token_field: token}).first()


# Mail programs post here with no cookie and no CSRF token (RFC 8058 one-click unsubscribe):
# the unguessable token in the address is the proof.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """Every alert of the address in one click, and the address with them. GET shows a button."""
    subscriber = _subscriber("unsubscribe_token", token)
    if subscriber is None:
        return _bad_link(
            request, _("This link is not valid: the address may already be unsubscribed.")
        )
    if request.method == "POST":
        services.forget(subscriber=subscriber)
        return _private(render(request, "alerts/unsubscribed.html"))
    return _private(render(request, "alerts/unsubscribe.html"))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    """The owner's page: what the address follows, each alert's stop link, and "delete all my
    data" (POST). Two queries, plus one per saved search to name it."""
    subscriber = _subscriber("manage_token", token)
    if subscriber is None:
        return _bad_link(
            request, _("This link is not valid: the address and its alerts may have been deleted.")
        )
    if request.method == "POST":
        services.forget(subscriber=subscriber)
        return _private(render(request, "alerts/deleted.html"))
    rows = [
        {
            "subscription": subscription,
            "label": targets.label(subscription),
            "target_url": targets.path(subscription),
        }
        for subscription in subscriber.subscriptions.select_related("jurisdiction", "official")
    ]
    return _private(render(request, "alerts/manage.html", {"rows": rows}))
