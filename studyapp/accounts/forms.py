from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from studyapp.accounts.mail import mail_send
from studyapp.accounts.models import EXAM_HORIZON_YEARS, Profile, latest_exam_date
from studyapp.accounts.ratelimit import password_reset_authorize_email
from studyapp.accounts.services import PROFILE_EDITABLE_FIELDS
from studyapp.accounts.timezones import time_zone_is_offered, time_zone_names
from studyapp.accounts.usernames import username_skeleton, validate_username_one_script, validate_username_visible

# Where our learners are; the rest of the world follows in alphabetical order.
COMMON_TIME_ZONES = (
    "Asia/Tokyo",
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Seoul",
    "Australia/Sydney",
)


def time_zone_choices():
    return [
        (_("Common"), [(name, name) for name in COMMON_TIME_ZONES if time_zone_is_offered(name)]),
        (_("All time zones"), [(name, name) for name in time_zone_names()]),
    ]


def _label(field_name: str):
    return capfirst(Profile._meta.get_field(field_name).verbose_name)


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = False
        self.fields["email"].help_text = _("Optional.")
        # A username must not pass for someone else's (docs/accounts.md).
        self.fields["username"].validators += [validate_username_visible, validate_username_one_script]

    def clean_username(self):
        username = super().clean_username()  # Django's case-insensitive "already exists"
        if username and Profile.objects.filter(username_skeleton=username_skeleton(username)).exists():
            raise forms.ValidationError(
                _("This username looks too much like an existing username. Please choose another."),
                code="lookalike",
            )
        return username


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, with at most a few mails per address, sent without
    making the answer wait for the mail server.

    Both happen whether or not an account has the address, so neither the
    answer nor its duration tells whether one does. For an address no active
    account has, a stand-in user goes through the same steps (a token made,
    the mail rendered and built, handed to the sender) and only the delivery
    is left out.
    """

    def get_users(self, email):
        if not password_reset_authorize_email(email=email):
            return iter(())
        return iter(list(super().get_users(email)) or [_stand_in_user(email)])

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        # Rendered here, in the request's language; only the sending waits.
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        mail_send(
            message=message,
            in_background=settings.PASSWORD_RESET_MAIL_IN_BACKGROUND,
            deliver=not getattr(context["user"], "is_stand_in", False),
        )


# Shaped like a stored password hash, so the stand-in's token costs what a real one does.
STAND_IN_PASSWORD = "pbkdf2_sha256$1000000$standin$" + "A" * 43 + "="


def _stand_in_user(email: str):
    """An unsaved user with the address asked for: never stored, never mailed."""
    user = get_user_model()(username="", email=email, password=STAND_IN_PASSWORD, is_active=True)
    user.is_stand_in = True
    return user


class ProfileSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_label("time_zone"),
        choices=time_zone_choices,
        help_text=_("Your study day starts at 4 a.m. in this time zone."),
    )
    desired_retention = forms.FloatField(
        label=_label("desired_retention"),
        min_value=0.7,
        max_value=0.99,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.70", "max": "0.99", "inputmode": "decimal"}),
        help_text=_(
            "The share of cards you aim to remember when they come due, from 0.70 to 0.99. Higher means more reviews."
        ),
    )
    exam_date = forms.DateField(
        label=_label("exam_date"),
        required=False,
        # type=date needs ISO dates whatever the interface language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional. Reviews are planned towards this day."),
    )

    class Meta:
        model = Profile
        fields = PROFILE_EDITABLE_FIELDS
        help_texts = {
            "new_per_day": _("New cards to introduce each day; 0 pauses new cards."),
            "reviews_per_day": _("The most reviews to show in one day."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's date picker offers only what the server accepts.
        today = self._today()
        self.fields["exam_date"].widget.attrs.update({"max": latest_exam_date(today).isoformat()})

    def _today(self):
        """The learner's today: in the zone being chosen now, else the saved one."""
        zone_name = getattr(self, "cleaned_data", {}).get("time_zone") or self.instance.time_zone
        try:
            return timezone.now().astimezone(ZoneInfo(zone_name)).date()
        except (KeyError, ValueError):
            return timezone.now().date()

    def clean_exam_date(self):
        exam_date = self.cleaned_data.get("exam_date")
        if exam_date is None:
            return None
        today = self._today()
        if exam_date > latest_exam_date(today):
            raise forms.ValidationError(
                _("The exam date must be within %(years)s years."), code="too_far", params={"years": EXAM_HORIZON_YEARS}
            )
        # A date saved before that has passed since may stay while other settings change.
        if exam_date < today and exam_date != self.instance.exam_date:
            raise forms.ValidationError(_("The exam date cannot be in the past."), code="past")
        return exam_date


class AccountDeleteForm(forms.Form):
    """The password again before the account goes: a session left open on a
    shared computer is not enough to delete someone. The check goes through
    authenticate(), so the login throttle counts wrong passwords here too."""

    password = forms.CharField(label=_("Your password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, request, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.throttled = False

    def clean_password(self):
        from django.contrib.auth import authenticate

        password = self.cleaned_data["password"]
        user = self.request.user
        checked = authenticate(self.request, username=user.get_username(), password=password)
        if getattr(self.request, "login_refusal", None) is not None:
            self.throttled = True
            raise forms.ValidationError(_("Too many attempts. Please wait a few minutes and try again."))
        if checked is None or checked.pk != user.pk:
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password
