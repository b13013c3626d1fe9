from django.core.management.base import BaseCommand, CommandError

from studyapp.accounts.services import NoSuchUser, instructor_remove, is_instructor, user_by_username


class Command(BaseCommand):
    help = "Take the instructor role from a user (the notes they wrote stay theirs). Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user = user_by_username(username=username)
        except NoSuchUser:
            raise CommandError(f"no user named {username!r}") from None
        if instructor_remove(user=user):
            self.stdout.write(f"{user.username} is no longer an instructor.")
        elif is_instructor(user):
            raise CommandError(
                f"{user.username} is still an instructor: a superuser, or through another group or a permission"
            )
        else:
            self.stdout.write(f"{user.username} is not an instructor; nothing changed.")
