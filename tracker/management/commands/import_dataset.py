from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tracker.backup import DatasetError, dataset_import


class Command(BaseCommand):
    help = (
        "Restore a file written by export_dataset into an empty, migrated database. "
        "All or nothing: on any error nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A file written by export_dataset")

    def handle(self, *args, path: Path, **options):
        try:
            report = dataset_import(path=path)
        except DatasetError as error:
            raise CommandError(str(error)) from error
        models = sum(1 for count in report.counts.values() if count)
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {report.total} records of {models} models from {report.path}."
                )
            )
