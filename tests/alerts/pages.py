"""The alerts' pages for the sweeps over every public route (tests/security/test_leaks.py,
tests/public_pages.py): their links need a subscription, made here on demand."""

from urllib.parse import quote

from django.urls import reverse

SWEEP_ADDRESS = "sweep-reader@example.org"


def alert_tokens(jurisdiction_slug: str = "chicago-il") -> dict[str, str]:
    """Tokens of a subscription to the jurisdiction, made once: {"subscription", "manage",
    "unsubscribe"}."""
    from alerts.models import Kind, Subscriber, Subscription
    from cities.models import Jurisdiction

    subscriber, _ = Subscriber.objects.get_or_create(email=SWEEP_ADDRESS)
    subscription, _ = Subscription.objects.get_or_create(
        subscriber=subscriber,
        kind=Kind.JURISDICTION,
        jurisdiction=Jurisdiction.objects.get(slug=jurisdiction_slug),
    )
    return {
        "subscription": subscription.token,
        "manage": subscriber.manage_token,
        "unsubscribe": subscriber.unsubscribe_token,
    }


def alert_walk(*, jurisdiction_slug: str, official_slug: str) -> dict[str, list[str]]:
    """{route: URLs} of every alerts page, for the leak walk (GETs only: nothing changes)."""
    tokens = alert_tokens(jurisdiction_slug)
    follow = reverse("alerts:follow")
    return {
        "alerts/follow/": [
            f"{follow}?jurisdiction={jurisdiction_slug}",
            f"{follow}?official={official_slug}",
            f"{follow}?search={quote('state=CO&q=said this', safe='')}",
        ],
        "alerts/check-your-mail/": [reverse("alerts:check_mail")],
        "alerts/confirm/<str:token>/": [reverse("alerts:confirm", args=[tokens["subscription"]])],
        "alerts/stop/<str:token>/": [reverse("alerts:stop", args=[tokens["subscription"]])],
        "alerts/unsubscribe/<str:token>/": [
            reverse("alerts:unsubscribe", args=[tokens["unsubscribe"]])
        ],
        "alerts/manage/<str:token>/": [reverse("alerts:manage", args=[tokens["manage"]])],
    }
