"""Mark renders whose worker stopped mid-render as failed, so the page offers a retry (run from cron)."""

from django.core.management.base import BaseCommand

from reports.services import renders_sweep


class Command(BaseCommand):
    help = "Mark renders whose worker stopped beating (killed mid-render) as failed, ready to retry."

    def handle(self, *args, **options) -> None:
        swept = renders_sweep()
        self.stdout.write(f"{swept} abandoned render(s) marked as failed.")
