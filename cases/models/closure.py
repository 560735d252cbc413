"""Closing a course (issue 6): the six closure criteria each judged with a comment, why the
course ends and where the family goes next, whether each child lives at home, final
measurements done or waived; reopening by a leader with a reason; and the checks 3, 6 and 12
months after closure of whether each child still lives at home — the project's headline
outcome (DOMAIN.md "The course of a case" step 6)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ClosureReason(models.TextChoices):
    GOALS_REACHED = "goals_reached", _("Målene er nået")
    STEPPED_DOWN = "stepped_down", _("Trappet ned til mindre indsats")
    PLACEMENT = "placement", _("Anbringelse")
    MOVED = "moved", _("Familien er flyttet")
    WITHDREW = "withdrew", _("Familien har trukket sig")
    OTHER = "other", _("Andet")


class Destination(models.TextChoices):
    ORDINARY_TREATMENT = "ordinary_treatment", _("Almindelig familiebehandling")
    OTHER_SUPPORT = "other_support", _("Anden støtte")
    ADULT_SERVICES = "adult_services", _("Voksenområdet")
    PLACEMENT = "placement", _("Anbringelse")
    NOTHING = "nothing", _("Ingen videre indsats")


class Criterion(models.TextChoices):
    GOALS = "goals", _("Målene i familiens plan er nået")
    CHILDREN_THRIVE = "children_thrive", _("Børnene trives og har ikke ulovligt fravær")
    PARENTING = "parenting", _("Forældrekompetencen er tilstrækkelig")
    NO_WORRY = "no_worry", _("Fagpersonerne er ikke længere bekymrede")
    MEASURES = "measures", _("Høje scorer på de anvendte målinger")
    NETWORK = "network", _("Et netværk, der kan være sikkerhedsnet")


class CriterionStatus(models.TextChoices):
    MET = "met", _("Opfyldt")
    PARTLY = "partly", _("Delvist opfyldt")
    NOT_MET = "not_met", _("Ikke opfyldt")


class Closure(models.Model):
    """The closure of a course. A reopened course keeps its earlier closure rows
    (``reopened_at`` set); the one in force has ``reopened_at`` empty."""

    course = models.ForeignKey("cases.Course", on_delete=models.PROTECT, related_name="closures")
    closed_on = models.DateField(_("afsluttet den"))
    reason = models.CharField(_("årsag"), max_length=30, choices=ClosureReason.choices)
    reason_note = models.CharField(_("uddybning"), max_length=500, blank=True)
    destination = models.CharField(
        _("familien går videre til"), max_length=30, choices=Destination.choices
    )
    summary = models.TextField(_("opsummering til rådgiveren"), max_length=10000, blank=True)
    family_perspective = models.TextField(_("familiens egne ord"), max_length=5000, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("registreret"), default=timezone.now)
    reopened_at = models.DateTimeField(_("genåbnet"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.CharField(_("grund til genåbning"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("afslutning")
        verbose_name_plural = _("afslutninger")
        ordering = ["-closed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course"],
                condition=Q(reopened_at__isnull=True),
                name="closure_one_in_force",
            ),
            models.CheckConstraint(
                name="closure_choices_valid",
                condition=Q(reason__in=ClosureReason.values)
                & Q(destination__in=Destination.values),
            ),
            models.CheckConstraint(
                name="closure_reopen_complete",
                condition=Q(reopened_at__isnull=True, reopened_by__isnull=True, reopen_reason="")
                | (Q(reopened_at__isnull=False, reopened_by__isnull=False) & ~Q(reopen_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} {self.closed_on}"


class ClosureCriterion(models.Model):
    closure = models.ForeignKey(Closure, on_delete=models.CASCADE, related_name="criteria")
    criterion = models.CharField(_("kriterium"), max_length=30, choices=Criterion.choices)
    status = models.CharField(_("vurdering"), max_length=10, choices=CriterionStatus.choices)
    comment = models.TextField(_("kommentar"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("afslutningskriterium")
        verbose_name_plural = _("afslutningskriterier")
        constraints = [
            models.UniqueConstraint(
                fields=["closure", "criterion"], name="closurecriterion_unique"
            ),
            models.CheckConstraint(
                name="closurecriterion_choices_valid",
                condition=Q(criterion__in=Criterion.values) & Q(status__in=CriterionStatus.values),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: {self.get_status_display()}"


class ChildAtClosure(models.Model):
    closure = models.ForeignKey(Closure, on_delete=models.CASCADE, related_name="children")
    child = models.ForeignKey("cases.FamilyMember", on_delete=models.PROTECT, related_name="+")
    lives_at_home = models.BooleanField(_("bor hjemme"))
    note = models.CharField(_("bemærkning"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("barn ved afslutning")
        verbose_name_plural = _("børn ved afslutning")
        constraints = [
            models.UniqueConstraint(fields=["closure", "child"], name="childatclosure_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.child_id}: {self.lives_at_home}"


class PostClosureCheck(models.Model):
    """Does the child still live at home 3, 6 and 12 months after closure?"""

    closure = models.ForeignKey(Closure, on_delete=models.CASCADE, related_name="checks")
    child = models.ForeignKey("cases.FamilyMember", on_delete=models.PROTECT, related_name="+")
    months_after = models.PositiveSmallIntegerField(_("måneder efter afslutning"))
    due_on = models.DateField(_("dato"))
    checked_on = models.DateField(_("registreret den"), null=True, blank=True)
    lives_at_home = models.BooleanField(_("bor hjemme"), null=True, blank=True)
    note = models.CharField(_("bemærkning"), max_length=300, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("opfølgning efter afslutning")
        verbose_name_plural = _("opfølgninger efter afslutning")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["closure", "child", "months_after"], name="postclosurecheck_unique"
            ),
            models.CheckConstraint(
                name="postclosurecheck_answered_together",
                condition=Q(checked_on__isnull=True, lives_at_home__isnull=True)
                | Q(checked_on__isnull=False, lives_at_home__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} +{self.months_after} mdr."
