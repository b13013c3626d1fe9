"""Per-learner settings (one row per user, created with the user) and the
token buckets that throttle logins and signups."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Anki's convention: a study day ends at 4 a.m. local time, so a late-night
# session still counts for the evening it started in.
DAY_STARTS_AT = time(4, 0)


# An exam further away than this is no plan (and a date near year 9999 made
# fsrs overflow): the settings form and the model refuse it, and the study
# code ignores any such date that reached the database another way.
EXAM_HORIZON_YEARS = 5


def latest_exam_date(today: date) -> date:
    """The furthest exam date a learner may set on ``today``."""
    try:
        return today.replace(year=today.year + EXAM_HORIZON_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + EXAM_HORIZON_YEARS, day=28)


def validate_exam_date_horizon(value: date) -> None:
    # A day of slack: "today" differs by a day between time zones; Profile.clean
    # checks against the learner's own today.
    if value > latest_exam_date(timezone.now().date()) + timedelta(days=1):
        raise ValidationError(
            _("The exam date must be within %(years)s years."), params={"years": EXAM_HORIZON_YEARS}, code="too_far"
        )


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("Unknown time zone: %(value)s"), params={"value": value})


class Profile(models.Model):
    class Scope(models.TextChoices):
        ALL = "all", _("All published notes")
        CATEGORY = "category", _("A category")
        DOMAIN = "domain", _("An exam domain")
        TAG = "tag", _("A tag")
        NOTE = "note", _("One note")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_time_zone])
    desired_retention = models.FloatField(
        _("desired retention"), default=0.9, validators=[MinValueValidator(0.7), MaxValueValidator(0.99)]
    )
    new_per_day = models.PositiveSmallIntegerField(
        _("new cards per day"), default=20, validators=[MaxValueValidator(500)]
    )
    reviews_per_day = models.PositiveSmallIntegerField(
        _("reviews per day"), default=200, validators=[MinValueValidator(1), MaxValueValidator(5000)]
    )
    exam_date = models.DateField(_("exam date"), null=True, blank=True, validators=[validate_exam_date_horizon])
    scope_kind = models.CharField(_("study"), max_length=10, choices=Scope.choices, default=Scope.ALL)
    scope_value = models.CharField(max_length=200, blank=True)
    # How long this learner's memories last against FSRS's prediction (<= 1),
    # estimated from their own reviews once a study day; the exam policy uses it.
    stability_scale = models.FloatField(default=1.0)
    calibrated_on = models.DateField(null=True, blank=True)

    def __str__(self):
        return f"profile of {self.user_id}"

    @classmethod
    def from_db(cls, db, field_names, values):
        profile = super().from_db(db, field_names, values)
        # An exam date already stored may have passed: saving other settings
        # must not fail on it. Only a newly chosen date must lie ahead.
        profile._stored_exam_date = profile.__dict__.get("exam_date")
        return profile

    def clean(self):
        super().clean()
        if self.exam_date is None:
            return
        today = timezone.now().astimezone(self.zone).date()
        if self.exam_date > latest_exam_date(today):
            raise ValidationError(
                {"exam_date": _("The exam date must be within %(years)s years.") % {"years": EXAM_HORIZON_YEARS}}
            )
        if self.exam_date < today and self.exam_date != getattr(self, "_stored_exam_date", None):
            raise ValidationError({"exam_date": _("The exam date cannot be in the past.")})

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.time_zone)
        except (KeyError, ValueError):
            return ZoneInfo("UTC")

    def study_day(self, when: datetime) -> date:
        """The learner's study day that ``when`` (aware) falls in."""
        local = when.astimezone(self.zone)
        day = local.date()
        return day - timedelta(days=1) if local.time() < DAY_STARTS_AT else day

    def day_start(self, day: date) -> datetime:
        """The aware moment the study day ``day`` begins."""
        return datetime.combine(day, DAY_STARTS_AT, tzinfo=self.zone)

    def day_end(self, day: date) -> datetime:
        return self.day_start(day + timedelta(days=1))

    def exam_moment(self) -> datetime | None:
        """Recall is aimed at noon of the exam day, when exams are typically
        taken. (At 4 a.m., a review on the eve would be less than a day before
        it, and fsrs, which counts whole days, would predict 100 %.)"""
        return datetime.combine(self.exam_date, time(12, 0), tzinfo=self.zone) if self.exam_date else None


class TokenBucket(models.Model):
    """A throttle: ``capacity`` attempts at once, then one more per refill period.

    Rows are keyed by an opaque ``value`` (a hashed IP address or username), so
    the table holds no personal data in the clear.
    """

    value = models.CharField(max_length=100, unique=True)
    tokens = models.FloatField()
    updated = models.DateTimeField()

    class Meta:
        verbose_name = _("token bucket")
        verbose_name_plural = _("token buckets")

    def __str__(self):
        return self.value

    @staticmethod
    def authorize(value: str, capacity: float, refill_per_second: float) -> bool:
        """Take one token from the bucket ``value``; False when it is empty.

        The read-modify-write runs under a row lock (SELECT … FOR UPDATE on
        PostgreSQL; on SQLite our IMMEDIATE transactions serialise writers), so
        two gunicorn workers cannot both spend the last token.
        """
        with transaction.atomic():
            now = timezone.now()
            bucket = TokenBucket.objects.select_for_update().filter(value=value).first()
            if bucket is None:
                try:
                    # A savepoint: a concurrent first attempt may win the insert.
                    with transaction.atomic():
                        TokenBucket.objects.create(value=value, tokens=capacity - 1, updated=now)
                    return True
                except IntegrityError:
                    bucket = TokenBucket.objects.select_for_update().get(value=value)
            elapsed = max(0.0, (now - bucket.updated).total_seconds())
            tokens = min(float(capacity), bucket.tokens + elapsed * refill_per_second)
            if tokens < 1:
                # Refused attempts are not written: the refill keeps counting from
                # the last allowed one, and a flood costs reads only.
                return False
            bucket.tokens = tokens - 1
            bucket.updated = now
            bucket.save(update_fields=["tokens", "updated"])
            return True
