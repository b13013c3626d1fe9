"""Teams: a lead and members, invites by link, assignments with an exam date,
and the figures a lead may see, computed ahead of the dashboard.

What a member shares is decided by them (``Membership.share_details``); the
figures kept here follow it: details are computed and stored only for members
who share them, and every row about a person goes when they leave
(docs/teams.md)."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from studyapp.accounts.models import Profile


class Team(models.Model):
    name = models.CharField(_("team name"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        MEMBER = "member", _("Member")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    # Off until the member turns it on: per-domain recall, scenario accuracy
    # and the traps they chose, for the lead and the team's aggregates.
    share_details = models.BooleanField(_("share details"), default=False)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One membership per person and team: an invite used twice, or
            # two tabs joining at once, cannot make a second one.
            models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team_user"),
            models.UniqueConstraint(fields=["team"], condition=Q(role="lead"), name="one_lead_per_team"),
        ]

    def __str__(self):
        return f"{self.user_id} in {self.team_id} ({self.role})"

    @property
    def is_lead(self) -> bool:
        return self.role == self.Role.LEAD


class Invite(models.Model):
    """A link that lets whoever holds it join: its token is unguessable
    (``secrets``), it expires, and the lead can revoke it."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invites")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    def __str__(self):
        return f"invite to {self.team_id}"

    def status(self, now: datetime | None = None) -> str:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return self.Status.EXPIRED
        return self.Status.ACTIVE


class Assignment(models.Model):
    """Notes the lead assigns, chosen like a learner's study scope, with the
    exam date the team aims at."""

    class Kind(models.TextChoices):
        # The study scope's kinds (Profile.Scope), but "all published notes".
        CATEGORY = Profile.Scope.CATEGORY.value, _("Category")
        DOMAIN = Profile.Scope.DOMAIN.value, _("Exam domain")
        TAG = Profile.Scope.TAG.value, _("Tag")
        NOTE = Profile.Scope.NOTE.value, _("Note")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField(_("what to study"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("which"), max_length=200)
    exam_date = models.DateField(_("exam date"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When a refresh of its figures was queued (None: none waiting), so that
    # many page views queue one refresh, not one each.
    refresh_queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["exam_date", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value} ({self.exam_date})"


class Band(models.TextChoices):
    """Readiness for the assignment's exam date (teams/readiness.py)."""

    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BEHIND = "behind", _("Behind")
    PASSED = "passed", _("Exam passed")
    NO_CARDS = "no_cards", _("No cards")


class MemberSnapshot(models.Model):
    """One member's figures for one assignment, computed by a background task
    (teams/tasks.py) from their own rows, so that a dashboard of any size is a
    few queries. Stale once the member answers again, their day changes, the
    assignment changes or they change what they share (selectors.is_stale)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="snapshots")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_snapshots")
    computed_at = models.DateTimeField()
    # The member's study day and latest answer (ReviewLog id) when computed.
    day = models.DateField()
    latest_log_id = models.BigIntegerField(default=0)
    target = models.FloatField()
    share_details = models.BooleanField(default=False)
    # What every member shares: coverage, activity, readiness band.
    assigned = models.PositiveIntegerField(default=0)
    seen = models.PositiveIntegerField(default=0)
    last_active = models.DateTimeField(null=True, blank=True)
    reviews_7 = models.PositiveIntegerField(default=0)
    reviews_30 = models.PositiveIntegerField(default=0)
    streak = models.PositiveIntegerField(default=0)
    band = models.CharField(max_length=10, choices=Band.choices)
    forecast_band = models.CharField(max_length=10, choices=Band.choices)
    # Only for members who share details (None otherwise): what the lead sees
    # of them, and what the team's aggregates are made of.
    details = models.JSONField(null=True, blank=True)
    inputs = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "user"], name="one_snapshot_per_assignment_user")]

    def __str__(self):
        return f"{self.user_id} on {self.assignment_id}"

    @property
    def coverage(self) -> float | None:
        return self.seen / self.assigned if self.assigned else None


class TeamAggregate(models.Model):
    """The team's aggregates for one assignment, over the members who share
    details (``contributors``, user ids); shown only while exactly those
    members share them and there are at least MIN_CONTRIBUTORS."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="aggregate")
    computed_at = models.DateTimeField()
    contributors = models.JSONField(default=list)
    data = models.JSONField(default=dict)

    def __str__(self):
        return f"aggregate of {self.assignment_id}"


class MockAssignment(models.Model):
    """A mock exam the lead asks the team to sit: an exam blueprint (any one
    offered, shipped or an instructor's) and the date it is due by."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="mock_assignments")
    # PROTECT: a blueprint a team was asked to sit stays (an instructor turns it off instead).
    blueprint = models.ForeignKey(
        "exams.Blueprint",
        on_delete=models.PROTECT,
        related_name="team_assignments",
        verbose_name=pgettext_lazy("team", "exam"),
    )
    due_date = models.DateField(pgettext_lazy("team", "due date"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            # One assignment of an exam per team and due date: a double click makes one.
            models.UniqueConstraint(fields=["team", "blueprint", "due_date"], name="one_mock_per_team_exam_date"),
        ]

    def __str__(self):
        return f"{self.blueprint_id} by {self.due_date} ({self.team_id})"
