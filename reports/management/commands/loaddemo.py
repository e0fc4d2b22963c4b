from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audits import demo as audits_demo
from audits.selectors import current_methodology
from reports import demo as reports_demo
from selfassessment import demo as geosa_demo


class Command(BaseCommand):
    """Lives in reports, the app that may read every other one, so each app adds its own part."""

    help = "Load the demo data set (idempotent) and print the demo sign-ins."

    def handle(self, *args, **options):
        if current_methodology() is None:
            raise CommandError("Load the methodology first: python manage.py loadmethodology")
        with transaction.atomic():
            users = audits_demo.load_demo()
            geosa_demo.load_demo(users)
            reports_demo.load_demo(users)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/ as:"))
        for username, role in {**audits_demo.ROLES, **reports_demo.ROLES}.items():
            self.stdout.write(f"  {username:<14} {audits_demo.DEMO_PASSWORD}   {role}")
