from django.core.management.base import BaseCommand

from studyapp.accounts.services import demo_accounts_ensure


class Command(BaseCommand):
    help = "Create the demo learner and demo instructor (and print their logins)."

    def handle(self, *args, **options):
        for username, password in demo_accounts_ensure().items():
            self.stdout.write(f"demo login  user: {username:<11} password: {password}")
