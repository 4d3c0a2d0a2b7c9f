"""Send each confirmed subscriber one digest of what changed since their last one."""

import logging
import smtplib
from dataclasses import dataclass

from django.core.mail import mailers
from django.utils import timezone, translation

from . import mail, services, targets
from .models import Subscriber, Subscription

logger = logging.getLogger("alerts")


@dataclass
class DigestRun:
    sent: int = 0  # mails sent
    quiet: int = 0  # addresses with nothing new
    failed: int = 0  # mails the server refused or could not take: tried again next run
    purged: int = 0  # unconfirmed subscriptions past their confirmation limit


def send_digests(*, now=None) -> DigestRun:
    """One mail per address with news; none for an address without.

    Each subscription's window runs from its last digest (or its confirmation) to the start of
    this run, so a rerun finds nothing new, and `last_digest_at` moves only once the mail is
    handed to the server: a failed send is tried again, whole, next time.
    Two queries for the subscribers, three or four per subscription, one write per address.
    """
    now = now or timezone.now()
    run = DigestRun(purged=services.purge_expired())
    # One connection (MAILERS["default"]) for the whole run.
    mailer = mailers.default
    with mailer:
        for subscriber in Subscriber.objects.with_digest_subscriptions().iterator(chunk_size=200):
            subscriptions = list(subscriber.subscriptions.all())
            # Names and links in the reader's language (Spanish links live under /es/).
            with translation.override(subscriber.language):
                sections = [
                    mail.section(s, targets.Window(after=mail.since(s), until=now))
                    for s in subscriptions
                ]
            sections = [s for s in sections if s.count]
            if sections:
                message = mail.digest_message(subscriber, sections)
                try:
                    mailer.send_messages([message])
                except (smtplib.SMTPException, OSError) as error:
                    run.failed += 1
                    # The class only: a refusal's text can quote the address.
                    logger.warning(
                        "alert digest for subscriber %s failed: %s",
                        subscriber.pk,
                        type(error).__name__,
                    )
                    # The next send opens a fresh connection.
                    mailer.close()
                    continue
                run.sent += 1
            else:
                run.quiet += 1
            # Nothing new in the window is nothing missed: the next window starts here too.
            Subscription.objects.filter(pk__in=[s.pk for s in subscriptions]).update(
                last_digest_at=now
            )
    return run
