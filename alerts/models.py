"""Readers who follow a jurisdiction, an official or a saved search by e-mail.

Personal data, not curated records: not in tracker.apps.DATA_APPS, so never in the public backups,
the editors' roles or the page cache's signals, and not in the admin. The address is read only to
send mail; no page, log or admin list shows it. Every link in a mail carries an unguessable token.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.validation import ConstraintValidationMixin


def new_token() -> str:
    """43 URL-safe characters, 256 bits: not guessable, not enumerable."""
    return secrets.token_urlsafe(32)


class Kind(models.TextChoices):
    JURISDICTION = "jurisdiction", _("Jurisdiction")
    OFFICIAL = "official", _("Official")
    SEARCH = "search", _("Saved search of statements")


class SubscriberQuerySet(models.QuerySet):
    def with_digest_subscriptions(self):
        """Subscribers with at least one confirmed subscription, each with its confirmed
        subscriptions and their targets prefetched: two queries."""
        confirmed = Subscription.objects.confirmed().select_related("jurisdiction", "official")
        return (
            self.filter(subscriptions__confirmed_at__isnull=False)
            .distinct()
            .prefetch_related(models.Prefetch("subscriptions", queryset=confirmed))
            .order_by("pk")
        )


class Subscriber(models.Model):
    """One e-mail address, stored once; deleting it deletes every subscription of it."""

    email = models.EmailField(max_length=254)
    # The language the reader subscribed in: their mails are written in it.
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)
    manage_token = models.CharField(max_length=64, default=new_token, editable=False)
    unsubscribe_token = models.CharField(max_length=64, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                name="alerts_subscriber_email_unique",
                violation_error_message=_("This address is already stored once."),
            ),
            models.UniqueConstraint(fields=["manage_token"], name="alerts_manage_token_unique"),
            models.UniqueConstraint(
                fields=["unsubscribe_token"], name="alerts_unsubscribe_token_unique"
            ),
        ]

    def __str__(self):
        # Never the address: this string may reach a log or an error page.
        return f"Subscriber #{self.pk}"

    def get_manage_url(self) -> str:
        return reverse("alerts:manage", kwargs={"token": self.manage_token})

    def get_unsubscribe_url(self) -> str:
        return reverse("alerts:unsubscribe", kwargs={"token": self.unsubscribe_token})


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def expired(self):
        """Unconfirmed subscriptions whose confirmation link has expired."""
        cutoff = timezone.now() - timedelta(days=settings.ALERTS_CONFIRM_DAYS)
        return self.filter(confirmed_at__isnull=True, created_at__lt=cutoff)


class Subscription(ConstraintValidationMixin, models.Model):
    """A subscriber follows one target: a jurisdiction, an official, or the statements a saved
    search of /statements/ finds (its query string, validated by the list's own FilterSet)."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    jurisdiction = models.ForeignKey(
        "cities.Jurisdiction", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    official = models.ForeignKey(
        "cities.Official", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The statements list's query string, canonical (sorted, only its filters), e.g. "state=IL".
    search = models.CharField(max_length=1000, blank=True)
    # Confirms this subscription, then stops it: the link in the confirmation mail.
    token = models.CharField(max_length=64, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the confirmation mail last went out: asking again within the hour sends nothing more.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values),
                name="alerts_subscription_kind_valid",
                violation_error_message=_("Choose what to follow from the list."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=Kind.JURISDICTION,
                        jurisdiction__isnull=False,
                        official__isnull=True,
                        search="",
                    )
                    | Q(
                        kind=Kind.OFFICIAL,
                        jurisdiction__isnull=True,
                        official__isnull=False,
                        search="",
                    )
                    | Q(kind=Kind.SEARCH, jurisdiction__isnull=True, official__isnull=True)
                ),
                name="alerts_subscription_one_target",
                violation_error_message=_(
                    "A subscription follows exactly one thing: a jurisdiction, an official or a "
                    "saved search."
                ),
            ),
            models.UniqueConstraint(
                fields=["subscriber", "jurisdiction"],
                condition=Q(kind=Kind.JURISDICTION),
                name="alerts_follow_jurisdiction_once",
                violation_error_message=_("This address already follows this jurisdiction."),
            ),
            models.UniqueConstraint(
                fields=["subscriber", "official"],
                condition=Q(kind=Kind.OFFICIAL),
                name="alerts_follow_official_once",
                violation_error_message=_("This address already follows this official."),
            ),
            models.UniqueConstraint(
                fields=["subscriber", "search"],
                condition=Q(kind=Kind.SEARCH),
                name="alerts_follow_search_once",
                violation_error_message=_("This address already follows this search."),
            ),
            models.UniqueConstraint(fields=["token"], name="alerts_subscription_token_unique"),
        ]

    def __str__(self):
        return f"Subscription #{self.pk} ({self.kind})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_expired(self) -> bool:
        limit = timedelta(days=settings.ALERTS_CONFIRM_DAYS)
        return not self.is_confirmed and self.created_at < timezone.now() - limit

    def get_confirm_url(self) -> str:
        return reverse("alerts:confirm", kwargs={"token": self.token})

    def get_stop_url(self) -> str:
        return reverse("alerts:stop", kwargs={"token": self.token})
