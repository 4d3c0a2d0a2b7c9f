from django.core.management.base import BaseCommand, CommandError

from alerts.digests import send_digests


class Command(BaseCommand):
    help = (
        "Mail each confirmed alert subscriber what was published or changed since their last "
        "digest (one mail per address, none when nothing changed). Run it from cron; a rerun "
        "sends nothing new. Also deletes subscriptions never confirmed in time."
    )

    def handle(self, *args, **options):
        run = send_digests()
        self.stdout.write(
            f"{run.sent} digest(s) sent, {run.quiet} address(es) with nothing new, "
            f"{run.failed} failed, {run.purged} unconfirmed subscription(s) expired."
        )
        if run.failed:
            # Cron mails a failing job's output: the failed ones are tried again next run.
            raise CommandError(f"{run.failed} digest(s) could not be sent; they wait for next run.")
