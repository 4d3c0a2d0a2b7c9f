from django.core.management.base import BaseCommand, CommandError

from federal.doj_list import DojListError
from federal.services import designations_import


class Command(BaseCommand):
    help = (
        "Record the Justice Department's list of sanctuary jurisdictions (CSV, see "
        "federal/data/PROVENANCE.md) as designations. Safe to run again; lines that match no "
        "jurisdiction are reported, never guessed."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH")

    def handle(self, *args, path, verbosity, **options):
        try:
            report = designations_import(path=path)
        except (DojListError, OSError) as error:
            raise CommandError(f"{error} Nothing was written.") from error
        out = self.stdout.write
        out(
            f"{report.read} lines read: {len(report.created)} designations recorded, "
            f"{report.unchanged} already recorded, {len(report.same_place)} on a jurisdiction "
            f"another line names, {len(report.unmatched)} unmatched."
        )
        for line in report.same_place:
            out(f"  {line}")
        if verbosity > 1:
            for name, slug in report.matched:
                out(f"  {name} → {slug}")
        for line, name, why in report.unmatched:
            out(f"  line {line}: {name}: {why}")
