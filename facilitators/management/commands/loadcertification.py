from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from facilitators.library import ProgrammeLibraryError, load_programme


class Command(BaseCommand):
    help = "Load certification programme versions (YAML folders); loading one twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "folders",
            nargs="*",
            type=Path,
            help="Version folders holding programme.yaml "
            "(default: every library/certification/*/programme.yaml).",
        )

    def handle(self, *args, folders, **options):
        if not folders:
            root = Path(settings.METHODOLOGY_LIBRARY) / "certification"
            folders = sorted(path.parent for path in root.glob("*/programme.yaml"))
        if not folders:
            raise CommandError(f"No certification programme found under {settings.METHODOLOGY_LIBRARY}.")
        for folder in folders:
            try:
                result = load_programme(folder)
            except ProgrammeLibraryError as error:
                raise CommandError(
                    f"{folder} was not loaded:\n" + "\n".join(f"- {p}" for p in error.problems)
                ) from None
            verb = "Loaded" if result.created else "Already loaded, unchanged:"
            self.stdout.write(f"{verb} {result.programme}")
