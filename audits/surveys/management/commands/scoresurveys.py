"""Store the key-area scores of closed surveys: a backfill after a mass import or a restore."""

import time

from django.core.management.base import BaseCommand

from audits.surveys import scores


class Command(BaseCommand):
    help = (
        "Store the key-area scores of closed surveys (and open ones past their closing time) that have "
        "none yet; with --all, recompute them for every such survey."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Also recompute surveys that have scores.")

    def handle(self, *args, **options):
        surveys = scores.final_surveys()
        if not options["all"]:
            surveys = surveys.filter(~scores.scored())
        started = time.perf_counter()
        count = scores.survey_scores_store(survey_ids=surveys.values_list("pk", flat=True))
        self.stdout.write(f"Scored {count} closed surveys in {time.perf_counter() - started:.1f} s.")
