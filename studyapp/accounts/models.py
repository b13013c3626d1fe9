"""Per-learner settings (one row per user, created with the user) and the
token buckets that throttle logins and signups."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from studyapp.accounts.timezones import time_zone_is_offered
from studyapp.scheduling.clock import StudyClock, zone_named

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
    # The same list the settings form offers.
    if not time_zone_is_offered(value):
        raise ValidationError(_("Unknown time zone: %(value)s"), params={"value": value})


class Profile(models.Model):
    class Scope(models.TextChoices):
        ALL = "all", _("All published notes")
        # Beside "all" (no value to choose); the kinds that take one follow.
        QUESTIONS = "questions", _("Scenario questions only")
        CATEGORY = "category", _("A category")
        DOMAIN = "domain", _("An exam domain")
        TAG = "tag", _("A tag")
        NOTE = "note", _("One note")

        @classmethod
        def without_value(cls) -> set[str]:
            """Kinds that name no category, domain, tag or note."""
            return {cls.ALL, cls.QUESTIONS}

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
    # When the exam starts, in the learner's time zone: readiness is predicted
    # for this moment.
    exam_time = models.TimeField(_("exam start time"), default=time(9, 0))
    scope_kind = models.CharField(_("study"), max_length=10, choices=Scope.choices, default=Scope.ALL)
    scope_value = models.CharField(max_length=200, blank=True)
    # How long this learner's memories last against FSRS's prediction (<= 1),
    # estimated from their own reviews once a study day; the exam policy uses it.
    stability_scale = models.FloatField(default=1.0)
    calibrated_on = models.DateField(null=True, blank=True)
    # The FSRS parameters this learner is scheduled with (None: FSRS's
    # defaults), where they came from and how many reviews they rest on. Kept
    # here, on the row every request loads anyway; each fit is also recorded
    # in study.MemoryModel.
    fsrs_parameters = models.JSONField(null=True, blank=True, editable=False)
    parameters_source = models.CharField(max_length=10, default="default", editable=False)
    parameters_reviews = models.PositiveIntegerField(default=0, editable=False)
    # The day a fit in use was set aside because the parameters now in use
    # predicted this learner's answers since better (the statistics page says so).
    parameters_set_aside_on = models.DateField(null=True, blank=True, editable=False)
    # What the username looks like (studyapp.accounts.usernames), kept in step
    # with it on every save, so sign-up finds a look-alike with one indexed query.
    username_skeleton = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    # The nearest coming exam date of the learner's team assignments, kept in
    # step by studyapp.teams (which study/ cannot import): the study plan uses
    # it when the learner has set no exam date of their own.
    assigned_exam_date = models.DateField(null=True, blank=True, editable=False)
    # What the study plan was last made for (exam moment, daily limits,
    # retention), kept by studyapp.study.replanning: a change found when the
    # study page opens replans, whichever way the change came (settings, a
    # team assignment, the admin). None: not yet recorded.
    plan_basis = models.JSONField(null=True, blank=True, editable=False)

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
        today = timezone.now().astimezone(zone_named(self.time_zone)).date()
        if self.exam_date > latest_exam_date(today):
            raise ValidationError(
                {"exam_date": _("The exam date must be within %(years)s years.") % {"years": EXAM_HORIZON_YEARS}}
            )
        if self.exam_date < today and self.exam_date != getattr(self, "_stored_exam_date", None):
            raise ValidationError({"exam_date": _("The exam date cannot be in the past.")})

    def clock(self) -> StudyClock:
        """The learner's time (studyapp.scheduling.clock): their study days
        (from 4 a.m. in their time zone) and the exam they plan for, at their
        exam time. Every time question goes through it. Made once per profile
        as loaded (so once per request) and again only when a setting it rests
        on changes on this instance."""
        basis = (self.time_zone, self.exam_date, self.assigned_exam_date, self.exam_time)
        made = self.__dict__.get("_clock")
        if made is None or made[0] != basis:
            zone = zone_named(self.time_zone)
            exam_date = self._planned_exam_date()
            exam_at = datetime.combine(exam_date, self.exam_time, tzinfo=zone) if exam_date else None
            made = self.__dict__["_clock"] = (basis, StudyClock(zone, exam_at=exam_at))
        return made[1]

    def _planned_exam_date(self) -> date | None:
        """The exam date the study plan is for: None without one, and None for
        a date beyond the settings' horizon that reached the database some
        other way (the shell, a restore): fsrs adds intervals to dates, and
        near year 9999 that overflows. Such a date is ignored, so the learner
        studies with plain FSRS instead of meeting an error page.

        Without a date of their own, the nearest exam date of their team
        assignments (kept on the profile by the teams app) is theirs."""
        exam_date = self.exam_date or self.assigned_exam_date
        # A day of slack: the learner's today may be a day ahead of UTC's.
        if exam_date is None or exam_date > latest_exam_date(timezone.now().date()) + timedelta(days=1):
            return None
        return exam_date


@dataclass(frozen=True)
class Rate:
    """A bucket's shape: ``capacity`` tokens at once, one more every ``seconds_per_token``."""

    capacity: float
    seconds_per_token: float

    @classmethod
    def of(cls, setting) -> "Rate":
        capacity, seconds_per_token = setting
        return cls(float(capacity), float(seconds_per_token))


class TokenBucket(models.Model):
    """A throttle: ``capacity`` attempts at once, then one more per refill period.

    Rows are keyed by an opaque ``value`` (a hashed IP address or username), so
    the table holds no personal data in the clear. A missing row is a full
    bucket; a row is written only when a token is taken, and ``full_at`` says
    when it is full again, after which it can go (see ``prune``).
    """

    value = models.CharField(max_length=100, unique=True)
    tokens = models.FloatField()
    updated = models.DateTimeField()
    full_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("token bucket")
        verbose_name_plural = _("token buckets")

    def __str__(self):
        return self.value

    def level(self, rate: Rate, now: datetime) -> float:
        """The tokens in the bucket at ``now``, refill included."""
        elapsed = max(0.0, (now - self.updated).total_seconds())
        return min(rate.capacity, self.tokens + elapsed / rate.seconds_per_token)

    def set_level(self, tokens: float, rate: Rate, now: datetime) -> None:
        self.tokens = min(rate.capacity, max(0.0, tokens))
        self.updated = now
        self.full_at = now + timedelta(seconds=(rate.capacity - self.tokens) * rate.seconds_per_token)

    def seconds_until(self, tokens: float, rate: Rate, now: datetime) -> float:
        """How long until the bucket holds ``tokens``."""
        return max(0.0, (tokens - self.level(rate, now)) * rate.seconds_per_token)

    @classmethod
    def locked(cls, rates: dict[str, Rate], now: datetime) -> dict[str, "TokenBucket"]:
        """The buckets ``rates`` names, locked for this transaction (missing ones
        are made full first).

        Rows are locked in the order of their values, whoever asks, so two
        requests that need overlapping buckets cannot deadlock.
        """
        cls.objects.bulk_create(
            [cls(value=value, tokens=rates[value].capacity, updated=now, full_at=now) for value in sorted(rates)],
            ignore_conflicts=True,
        )
        rows = cls.objects.select_for_update().filter(value__in=list(rates)).order_by("value")
        return {row.value: row for row in rows}

    @classmethod
    def save_levels(cls, buckets) -> None:
        cls.objects.bulk_update(buckets, ["tokens", "updated", "full_at"])

    @classmethod
    def prune(cls, *, now: datetime | None = None, batch: int = 500) -> int:
        """Delete up to ``batch`` buckets that are full again; returns how many.

        Called before each throttle decision, so the table holds only buckets
        that are still refilling: its size follows the recent rate of attempts,
        not the history. Rows another request has locked are skipped, never
        waited for.
        """
        now = now or timezone.now()
        with transaction.atomic():
            ids = list(
                cls.objects.filter(full_at__lte=now)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:batch]
            )
            if ids:
                cls.objects.filter(pk__in=ids).delete()
        return len(ids)

    @classmethod
    def authorize(cls, value: str, capacity: float, refill_per_second: float) -> bool:
        """Take one token from the bucket ``value``; False when it is empty.

        The read-modify-write runs under a row lock (SELECT … FOR UPDATE on
        PostgreSQL; on SQLite our IMMEDIATE transactions serialise writers), so
        two gunicorn workers cannot both spend the last token.
        """
        cls.prune()
        rate = Rate(float(capacity), 1 / refill_per_second)
        with transaction.atomic():
            now = timezone.now()
            bucket = cls.locked({value: rate}, now)[value]
            tokens = bucket.level(rate, now)
            if tokens < 1:
                # Refused attempts are not written: the refill keeps counting from
                # the last allowed one, and a flood costs reads only.
                return False
            bucket.set_level(tokens - 1, rate, now)
            cls.save_levels([bucket])
            return True
