from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tracker.backup import DatasetError, dataset_export


class Command(BaseCommand):
    help = (
        "Write every record of the tracker, with its history and the users it refers to, to one "
        "portable JSON file (gzipped when PATH ends in .gz). Restore it with import_dataset."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The file to write, e.g. tracker.json.gz")

    def handle(self, *args, path: Path, **options):
        try:
            report = dataset_export(path=path)
        except DatasetError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"Could not write {path}: {error.strerror or error}.") from error
        size = report.path.stat().st_size
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Exported {report.total} records of {len(report.counts)} models "
                    f"to {report.path} ({size:,} bytes)."
                )
            )
