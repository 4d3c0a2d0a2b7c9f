"""Every write of the alerts: subscribe, confirm, stop, unsubscribe, forget an address."""

import logging
import smtplib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from cities.models import Jurisdiction, Official

from . import mail
from .models import Kind, Subscriber, Subscription

# Ids only: an address never reaches a log.
logger = logging.getLogger("alerts")

# An address waits on at most this many unconfirmed alerts; asking for more sends nothing, so
# nobody can fill a stranger's mailbox with confirmation requests.
MAX_UNCONFIRMED = 5
# A confirmation mail is sent again for the same alert only after this long.
RESEND_AFTER = timedelta(hours=1)


class ConfirmationNotSent(Exception):
    """The mail server did not take the confirmation mail: nothing was stored as sent."""


def normalize_email(address: str) -> str:
    """One spelling per address, so that one person is stored once."""
    return address.strip().lower()


def subscription_target(
    *, jurisdiction: Jurisdiction | None = None, official: Official | None = None, search=None
) -> dict:
    """The fields of a Subscription that name its target, for exactly one target given."""
    if jurisdiction is not None:
        return {"kind": Kind.JURISDICTION, "jurisdiction": jurisdiction}
    if official is not None:
        return {"kind": Kind.OFFICIAL, "official": official}
    return {"kind": Kind.SEARCH, "search": search or ""}


def _mailed_recently(subscription: Subscription, now) -> bool:
    sent = subscription.confirmation_sent_at
    return sent is not None and now - sent < RESEND_AFTER


def subscribe(*, email: str, target: dict) -> Subscription | None:
    """Ask `email` to confirm following `target` (from `subscription_target`).

    A new subscription, or a waiting one whose mail went out over an hour ago, gets a
    confirmation mail; a confirmed one, one mailed within the hour, or one more than
    MAX_UNCONFIRMED waiting get nothing. The caller answers alike in every case, so nobody learns
    by trying whether an address follows something. Returns the subscription mailed, or None.
    Three to six queries and at most one mail; raises ConfirmationNotSent if the server refuses.
    """
    email = normalize_email(email)
    now = timezone.now()
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(
            email=email, defaults={"language": translation.get_language() or "en"}
        )
        subscription = subscriber.subscriptions.filter(**target).first()
        if subscription is not None and subscription.is_expired:
            # An old, unused link is replaced rather than revived.
            subscription.delete()
            subscription = None
        if subscription is None:
            waiting = subscriber.subscriptions.filter(confirmed_at__isnull=True).count()
            if waiting >= MAX_UNCONFIRMED:
                logger.info("alert subscriber %s has too many unconfirmed", subscriber.pk)
                return None
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(subscriber=subscriber, **target)
            except IntegrityError:
                return None  # the same address and target posted twice at once
        elif subscription.is_confirmed or _mailed_recently(subscription, now):
            return None
        subscription.confirmation_sent_at = now
        subscription.save(update_fields=["confirmation_sent_at"])
    try:
        mail.send_confirmation(subscription)
    except (smtplib.SMTPException, OSError) as error:
        Subscription.objects.filter(pk=subscription.pk).update(confirmation_sent_at=None)
        # The class only: a refusal's text can quote the address.
        logger.warning("alert confirmation %s not sent: %s", subscription.pk, type(error).__name__)
        raise ConfirmationNotSent from error
    logger.info("alert subscription %s asked for confirmation", subscription.pk)
    return subscription


def confirm(*, subscription: Subscription) -> Subscription:
    """Start sending digests: from now on, what changes is news to this reader."""
    if not subscription.is_confirmed:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
        logger.info("alert subscription %s confirmed", subscription.pk)
    return subscription


def stop(*, subscription: Subscription) -> None:
    """End one subscription; the address goes too once it follows nothing."""
    subscriber = subscription.subscriber
    with transaction.atomic():
        subscription.delete()
        if not subscriber.subscriptions.exists():
            subscriber.delete()
    logger.info("alert subscription stopped")


def forget(*, subscriber: Subscriber) -> None:
    """Delete the address and every subscription of it (one-click unsubscribe, or the owner's
    "delete my data"): nothing of the address is kept."""
    subscriber.delete()
    logger.info("alert subscriber forgotten")


def purge_expired() -> int:
    """Delete subscriptions never confirmed within ALERTS_CONFIRM_DAYS, and the addresses left
    following nothing: an address that never said yes is not kept. Returns how many went."""
    count, _ = Subscription.objects.expired().delete()
    Subscriber.objects.filter(subscriptions__isnull=True).delete()
    return count
