from django.core.management.base import BaseCommand, CommandError

from studyapp.accounts.services import NoSuchUser, instructor_add, user_by_username


class Command(BaseCommand):
    help = (
        "Make an existing user an instructor (they may then write notes at /author/; "
        "it does not make them staff). Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user = user_by_username(username=username)
        except NoSuchUser:
            raise CommandError(
                f"no user named {username!r}: the person signs up first "
                "(or an administrator makes the account: manage.py createsuperuser, or the admin)"
            ) from None
        if instructor_add(user=user):
            self.stdout.write(f"{user.username} is now an instructor.")
        else:
            self.stdout.write(f"{user.username} is already an instructor; nothing changed.")
