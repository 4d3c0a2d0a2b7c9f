import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from federal.ice_sheets import SheetError
from federal.services import IceImportReport, ImportRefused, ice_list_import

BAR_WIDTH = 30
SHOWN = 25  # lines per kind of change at the default verbosity


class Command(BaseCommand):
    help = (
        "Import ICE's 287(g) sheets (participating or pending agencies, .xlsx as ICE publishes "
        "them). Shows what would change; writes only with --commit, all or nothing. Safe to run "
        "again, and in any order of the lists' dates."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="ICE's .xlsx sheet(s).")
        parser.add_argument(
            "--listed-on",
            type=datetime.date.fromisoformat,
            help="The list's date (YYYY-MM-DD), when the file name does not give it.",
        )
        parser.add_argument(
            "--source-url", default="", help="Where the sheet was published, if not ICE's name."
        )
        parser.add_argument("--commit", action="store_true", help="Write the changes.")

    def handle(self, *args, paths, listed_on, source_url, commit, verbosity, **options):
        if listed_on and len(paths) > 1:
            raise CommandError("--listed-on applies to one sheet; give one PATH with it.")
        self.verbosity = verbosity
        try:
            with transaction.atomic():
                for path in paths:
                    self._label = path.rsplit("/", 1)[-1]
                    report = ice_list_import(
                        path=path,
                        listed_on=listed_on,
                        source_url=source_url,
                        progress=self._bar if verbosity > 0 else None,
                    )
                    self._show(report)
                if not commit:
                    transaction.set_rollback(True)
        except (SheetError, ImportRefused, OSError) as error:
            raise CommandError(f"{error} Nothing was written.") from error
        if commit:
            self.stdout.write("Written.")
        else:
            self.stdout.write("Dry run: nothing was written. Run again with --commit to write.")

    def _show(self, report: IceImportReport) -> None:
        out = self.stdout.write
        out(f"{report.file_name}: ICE's {report.kind} list of {report.listed_on:%Y-%m-%d}")
        if report.already_imported is not None:
            out("  Already imported (same SHA-256): nothing to change.")
            return
        out(
            f"  {report.rows_read} rows read ({report.blank_rows} blank rows skipped), "
            f"{report.rows_matched} matched, {len(report.unmatched)} unmatched."
        )
        stances = report.stances
        sections = [
            ("Added", report.added),
            ("Pending", report.pending),
            ("Ended", report.ended),
            ("Renamed", report.renamed),
            ("Moved to another agency (for review)", report.moved),
            ("Unmatched", [f"row {n}: {name}: {why}" for n, name, why in report.unmatched]),
            ("Notes", [f"row {n}: {name}: {note}" for n, name, note in report.notes]),
            ("Cities created from the gazetteer", report.cities_created),
            ("For review in the admin", report.review),
            ("Stances published", [str(s) for s in stances.created]),
            ("Stances ended", [str(s) for s in stances.ended]),
            ("Stances updated", [str(s) for s in stances.updated]),
        ]
        for title, lines in sections:
            out(f"  {title}: {len(lines)}")
            shown = lines if self.verbosity > 1 else lines[:SHOWN]
            for line in shown:
                out(f"    {line}")
            if len(shown) < len(lines):
                out(f"    … and {len(lines) - len(shown)} more (-v 2 lists all)")

    def _bar(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        # On a terminal the bar redraws in place; in a log only the last step is written.
        if self.stderr.isatty():
            end = "\n" if done >= total else ""
            self.stderr.write(f"\r{self._label} [{bar}] {done:,}/{total:,}", ending=end)
        elif done >= total:
            self.stderr.write(f"{self._label} [{bar}] {done:,}/{total:,}")
        self.stderr.flush()
