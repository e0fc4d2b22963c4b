from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audits.library import LibraryError, load_library
from facilitators.library import ProgrammeLibraryError, load_programme


class Command(BaseCommand):
    help = (
        "Load the methodology library versions and certification programmes found under library/ "
        "(or the version folders named); loading one twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "folders",
            nargs="*",
            type=Path,
            help="Version folders holding methodology.yaml or programme.yaml (default: all under library/).",
        )

    def handle(self, *args, folders, **options):
        root = Path(settings.METHODOLOGY_LIBRARY)
        if not folders:
            folders = sorted(path.parent for path in root.glob("*/*/methodology.yaml"))
            folders += sorted(path.parent for path in root.glob("*/*/programme.yaml"))
        if not folders:
            raise CommandError(f"No methodology library found under {root}.")
        for folder in folders:
            try:
                if (folder / "programme.yaml").exists():
                    result = load_programme(folder)
                    loaded = result.programme
                else:
                    result = load_library(folder)
                    loaded = result.methodology
            except (LibraryError, ProgrammeLibraryError) as error:
                raise CommandError(
                    f"{folder} was not loaded:\n" + "\n".join(f"- {p}" for p in error.problems)
                ) from None
            verb = "Loaded" if result.created else "Already loaded, unchanged:"
            self.stdout.write(f"{verb} {loaded}")
