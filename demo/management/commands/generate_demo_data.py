from django.core.management.base import BaseCommand, CommandError

from demo.generator import Generator, print_nothing
from demo.safety import DemoDataError


def positive(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Fill an empty database with synthetic demo data (jurisdictions, agencies, officials, "
        "events, statements, stance timelines), every record flagged is_synthetic. Refuses a "
        "database that holds any real record."
    )

    def add_arguments(self, parser):
        parser.add_argument("--jurisdictions", type=positive, default=200)
        parser.add_argument("--officials", type=positive, default=500)
        parser.add_argument("--statements", type=positive, default=5000)
        parser.add_argument(
            "--seed", type=int, default=1, help="The same seed writes the same records."
        )
        parser.add_argument("--batch-size", type=positive, default=5000)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete synthetic demo data already in the database first (never real data).",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        try:
            generator = Generator(
                jurisdictions=options["jurisdictions"],
                officials=options["officials"],
                statements=options["statements"],
                seed=options["seed"],
                batch_size=max(options["batch_size"], 1),
                progress=verbosity >= 1,
                log=self.stderr.write if verbosity >= 1 else print_nothing,
            )
            report = generator.run(replace=options["replace"])
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        if verbosity >= 1:
            written = ", ".join(f"{count:,} {name}" for name, count in report.counts.items())
            self.stdout.write(
                self.style.SUCCESS(
                    f"Synthetic demo data written in {report.seconds:.1f} s: {written}."
                )
            )
