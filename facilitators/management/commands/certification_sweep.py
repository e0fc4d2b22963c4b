import datetime

from django.core.management.base import BaseCommand

from facilitators.services import certification_sweep


class Command(BaseCommand):
    help = (
        "Move certifications whose dates have passed to expiring soon or expired, and send each "
        "expiry reminder once. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Act as if today were this date (YYYY-MM-DD); default: today.",
        )

    def handle(self, *args, today=None, **options):
        result = certification_sweep(today=today)
        self.stdout.write(
            f"{result.expiring_soon} now expiring soon, {result.expired} expired, "
            f"{result.reminders_sent} reminders sent"
            + (f", {result.reminders_skipped} without an e-mail address" if result.reminders_skipped else "")
            + "."
        )
