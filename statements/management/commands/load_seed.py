from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from statements.seed import SeedError, load_seed, read_seed


class Command(BaseCommand):
    help = "Load the founding article's facts as published records. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data", type=Path, default=settings.SEED_DIR / "founding_article.toml"
        )
        parser.add_argument("--article", type=Path, default=settings.SEED_DIR / "article.txt")

    def handle(self, *args, data: Path, article: Path, **options):
        try:
            report = load_seed(read_seed(data, article))
        except (SeedError, OSError) as error:
            raise CommandError(str(error)) from error
        details = ", ".join(f"{count} {kind}" for kind, count in report.created.items())
        if report.total_created:
            self.stdout.write(self.style.SUCCESS(f"Seed loaded: created {details}."))
        else:
            self.stdout.write("Seed already loaded: nothing to change.")
