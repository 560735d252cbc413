"""The start meeting and the follow-up (status) meetings of a course: the first follow-up
3 months after the start, then at the course's cadence (default every 6 months). A meeting is
a row from the day it is scheduled (``due_on``) until it is held (``held_on``) and recorded:
who took part, what was agreed, which goals were revised, the family's own words
(DOMAIN.md, "The course of a case", step 5; Barnets Lov §70)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    START = "start", _("Opstartsmøde")
    FOLLOW_UP = "follow_up", _("Opfølgningsmøde")


class PlanMeetingQuerySet(models.QuerySet):
    def open(self) -> "PlanMeetingQuerySet":
        """Scheduled and not yet held, on a course that is not closed."""
        return self.filter(held_on__isnull=True).exclude(course__status="closed")


class PlanMeeting(models.Model):
    course = models.ForeignKey(
        "cases.Course",
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("forløb"),
    )
    kind = models.CharField(_("møde"), max_length=20, choices=MeetingKind.choices)
    due_on = models.DateField(_("skal holdes senest"))
    held_on = models.DateField(_("holdt den"), null=True, blank=True)
    staff_participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("medarbejdere")
    )
    family_participants = models.ManyToManyField(
        "cases.FamilyMember", blank=True, related_name="+", verbose_name=_("fra familien")
    )
    other_participants = models.CharField(
        _("andre deltagere"),
        max_length=500,
        blank=True,
        help_text=_("Fx lærer, sundhedsplejerske eller jobcenter: navn og rolle."),
    )
    agreed = models.TextField(_("hvad blev aftalt"), max_length=5000, blank=True)
    revised_goals = models.ManyToManyField(
        "cases.Goal", blank=True, related_name="revised_at", verbose_name=_("reviderede mål")
    )
    revision_note = models.TextField(_("hvordan målene blev ændret"), max_length=2000, blank=True)
    family_perspective = models.TextField(_("familiens egne ord"), max_length=5000, blank=True)
    plan_version = models.PositiveIntegerField(
        _("planens version ved mødet"), null=True, blank=True
    )
    reschedule_reason = models.CharField(_("grund til ny dato"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registreret af"),
    )
    recorded_at = models.DateTimeField(_("registreret"), null=True, blank=True)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)

    objects = PlanMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("møde i forløbet")
        verbose_name_plural = _("møder i forløbet")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="planmeeting_kind_valid", condition=Q(kind__in=MeetingKind.values)
            ),
            models.UniqueConstraint(
                fields=["course"],
                condition=Q(kind="start"),
                name="planmeeting_one_start_meeting",
            ),
            # The schedule has one next follow-up at a time; recording it schedules the next.
            models.UniqueConstraint(
                fields=["course"],
                condition=Q(kind="follow_up", held_on__isnull=True),
                name="planmeeting_one_open_follow_up",
            ),
            models.CheckConstraint(
                name="planmeeting_recorded_when_held",
                condition=Q(held_on__isnull=True) | Q(recorded_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["due_on"], name="planmeeting_due_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}"

    @property
    def is_held(self) -> bool:
        return self.held_on is not None
