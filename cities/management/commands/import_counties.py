from django.core.management.base import BaseCommand, CommandError

from cities.counties import AtlasError, atlas_rows, jurisdictions_import_counties


class Command(BaseCommand):
    help = (
        "Make every U.S. state, territory and county equivalent a jurisdiction, from the "
        "Census boundaries in cities/data/counties-10m.json. Jurisdictions already stored "
        "(the seed's San Francisco, Washington DC...) gain their GEOID instead of a twin. "
        "Safe to run again: a second run writes nothing."
    )

    def handle(self, *args, verbosity: int, **options):
        try:
            rows = atlas_rows()
        except (AtlasError, OSError) as error:
            raise CommandError(str(error)) from error
        report = jurisdictions_import_counties(rows=rows)
        self.stdout.write(
            f"States and counties: {report.read:,} read, {report.created:,} created, "
            f"{report.updated:,} updated, {report.unchanged:,} unchanged."
        )
        if report.written == 0:
            self.stdout.write("Nothing written: every one is already stored and up to date.")
        if report.conflicts:
            self.stdout.write(
                f"Left out {len(report.conflicts)}, whose slug or name belongs to a "
                "jurisdiction with another GEOID; settle them in the admin:"
            )
            for conflict in report.conflicts:
                self.stdout.write(f"  {conflict}")
