from django.core.management.base import BaseCommand, CommandError

from audits.demo import DEMO_PASSWORD, ROLES, load_demo
from audits.selectors import current_methodology


class Command(BaseCommand):
    help = "Load the demo data set (idempotent) and print the demo sign-ins."

    def handle(self, *args, **options):
        if current_methodology() is None:
            raise CommandError("Load the methodology first: python manage.py loadmethodology")
        load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/ as:"))
        for username, role in ROLES.items():
            self.stdout.write(f"  {username:<14} {DEMO_PASSWORD}   {role}")
