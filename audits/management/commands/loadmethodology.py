from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audits.library import LibraryError, load_library


class Command(BaseCommand):
    help = "Load methodology library versions (YAML folders); loading one twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "folders",
            nargs="*",
            type=Path,
            help="Version folders holding methodology.yaml (default: every one under library/).",
        )

    def handle(self, *args, folders, **options):
        if not folders:
            folders = sorted(
                path.parent for path in Path(settings.METHODOLOGY_LIBRARY).glob("*/*/methodology.yaml")
            )
        if not folders:
            raise CommandError(f"No methodology library found under {settings.METHODOLOGY_LIBRARY}.")
        for folder in folders:
            try:
                result = load_library(folder)
            except LibraryError as error:
                raise CommandError(
                    f"{folder} was not loaded:\n" + "\n".join(f"- {p}" for p in error.problems)
                ) from None
            verb = "Loaded" if result.created else "Already loaded, unchanged:"
            self.stdout.write(f"{verb} {result.methodology}")
