from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "studyapp.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from studyapp.accounts import personal_data, signals  # noqa: F401 - registers the receivers

        # Each app's personal_data.py: what it keeps about a person (download, deletion).
        personal_data.discover()
