"""The two mails of the alerts: the confirmation (double opt-in) and the digest.

Links are absolute from SITE_URL, never from a request's Host header, so that no forged header
can put another site's address in a mail. Every digest carries a one-click unsubscribe
(RFC 8058): the List-Unsubscribe and List-Unsubscribe-Post headers and the same link in the text.
"""

import email.policy
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from statements.models import Stance, Statement

from . import targets
from .models import Subscriber, Subscription

# More than this many statements for one subscription in one digest: the rest are a link away.
DIGEST_MAX_STATEMENTS = 25


class DigestMessage(EmailMultiAlternatives):
    """A digest whose List-Unsubscribe reaches the mail program as `<https://…>` on one line:
    the default policy folds a value longer than 78 characters into RFC 2047 encoded words,
    which mail programs do not decode in that header, and the one-click link would be lost."""

    def message(self, *, policy=email.policy.default):
        # Only headers set raw are left unfolded; every other header folds as usual.
        msg = super().message(policy=policy.clone(refold_source="none"))
        value = str(msg["List-Unsubscribe"])
        del msg["List-Unsubscribe"]
        msg.set_raw("List-Unsubscribe", value)
        return msg


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_confirmation(subscription: Subscription) -> None:
    """The double opt-in mail: a link to confirm (and one to manage), nothing sent before."""
    subscriber = subscription.subscriber
    with translation.override(subscriber.language):
        context = {
            "target": targets.label(subscription),
            "target_url": absolute(targets.path(subscription)),
            "confirm_url": absolute(subscription.get_confirm_url()),
            "manage_url": absolute(subscriber.get_manage_url()),
            "days": settings.ALERTS_CONFIRM_DAYS,
        }
        subject = _("Confirm your Sanctuary Tracker alert: %(target)s") % {
            "target": targets.one_line(context["target"])
        }
        body = render_to_string("alerts/mail/confirm.txt", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[subscriber.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    mailers.default.send_messages([message])


@dataclass
class Section:
    """What changed for one subscription since its last digest."""

    subscription: Subscription
    label: str
    url: str
    stop_url: str
    statements: list[Statement] = field(default_factory=list)
    more_statements: int = 0
    stances: list[Stance] = field(default_factory=list)
    retractions: list[Statement] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (
            len(self.statements) + self.more_statements + len(self.stances) + len(self.retractions)
        )


def section(subscription: Subscription, window: targets.Window) -> Section:
    """One subscription's news in the window: three or four queries."""
    statements = list(targets.new_statements(subscription, window)[: DIGEST_MAX_STATEMENTS + 1])
    more = 0
    if len(statements) > DIGEST_MAX_STATEMENTS:
        more = targets.new_statements(subscription, window).count() - DIGEST_MAX_STATEMENTS
        statements = statements[:DIGEST_MAX_STATEMENTS]
    for statement in statements:
        statement.url = absolute(statement.get_absolute_url())
    retractions = list(targets.retracted_statements(subscription, window))
    for statement in retractions:
        statement.url = absolute(statement.get_absolute_url())
    stances = list(targets.new_stances(subscription, window))
    for stance in stances:
        stance.url = absolute(stance.get_absolute_url())
    return Section(
        subscription=subscription,
        label=targets.label(subscription),
        url=absolute(targets.path(subscription)),
        stop_url=absolute(subscription.get_stop_url()),
        statements=statements,
        more_statements=more,
        stances=stances,
        retractions=retractions,
    )


def since(subscription: Subscription):
    return subscription.last_digest_at or subscription.confirmed_at


def digest_message(subscriber: Subscriber, sections: list[Section]) -> EmailMultiAlternatives:
    """The digest of one address: a section per subscription with news, in its language."""
    unsubscribe_url = absolute(subscriber.get_unsubscribe_url())
    with translation.override(subscriber.language):
        total = sum(s.count for s in sections)
        if len(sections) == 1:
            subject = ngettext(
                "Sanctuary Tracker: %(count)d update on %(target)s",
                "Sanctuary Tracker: %(count)d updates on %(target)s",
                total,
            ) % {"count": total, "target": targets.one_line(sections[0].label)}
        else:
            subject = ngettext(
                "Sanctuary Tracker: %(count)d update on what you follow",
                "Sanctuary Tracker: %(count)d updates on what you follow",
                total,
            ) % {"count": total}
        context = {
            "sections": sections,
            "manage_url": absolute(subscriber.get_manage_url()),
            "unsubscribe_url": unsubscribe_url,
            "site_url": settings.SITE_URL,
        }
        text = render_to_string("alerts/mail/digest.txt", context)
        html = render_to_string("alerts/mail/digest.html", context)
    message = DigestMessage(
        subject=subject,
        body=text,
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Precedence": "bulk",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
