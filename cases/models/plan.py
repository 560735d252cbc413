"""The shared family action plan (samlet familiehandleplan): one plan per course, with goals
in the family's own words, ordered actions, the professionals who come to the home, the
family's comments, and a version history. See docs/adr/0005."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FamilyPlan(models.Model):
    """The plan of one course. ``version`` counts saved changes: every write names the version
    it started from, so two people editing at once cannot silently overwrite each other."""

    course = models.OneToOneField(
        "cases.Course", on_delete=models.CASCADE, related_name="plan", verbose_name=_("forløb")
    )
    family_perspective = models.TextField(
        _("familiens egne ord om planen"), max_length=5000, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ændret af"),
    )

    class Meta:
        verbose_name = _("samlet familiehandleplan")
        verbose_name_plural = _("samlede familiehandleplaner")

    def __str__(self) -> str:
        return str(_("Plan for %(course)s")) % {"course": self.course}


class GoalOwner(models.TextChoices):
    PARENT = "parent", _("Forælder")
    CHILD = "child", _("Barn")
    FAMILY = "family", _("Hele familien")


class LifeArea(models.TextChoices):
    PARENTING = "parenting", _("Forældreskab")
    CHILD = "child", _("Barnets trivsel og udvikling")
    SCHOOL = "school", _("Skole og dagtilbud")
    WORK = "work", _("Arbejde og jobcenter")
    HOUSING = "housing", _("Bolig")
    ECONOMY = "economy", _("Økonomi")
    HEALTH = "health", _("Helbred")
    NETWORK = "network", _("Netværk")


class GoalSource(models.TextChoices):
    FAMILY = "family", _("Familiens plan")
    CHILD_PLAN = "child_plan", _("Barnets plan")
    JOB_PLAN = "job_plan", _("Jobplan")
    HOUSING = "housing", _("Boligindsats")
    HEALTH = "health", _("Sundhed / psykiatri")
    OTHER = "other", _("Anden plan")


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("I gang")
    REACHED = "reached", _("Nået")
    DROPPED = "dropped", _("Opgivet")


class Goal(models.Model):
    """A goal for a parent, a child or the whole family, in the family's own words."""

    plan = models.ForeignKey(
        FamilyPlan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    owner = models.CharField(_("hvis mål"), max_length=20, choices=GoalOwner.choices)
    member = models.ForeignKey(
        "cases.FamilyMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("familiemedlem"),
    )
    text = models.TextField(_("målet med familiens egne ord"), max_length=1000)
    life_area = models.CharField(_("livsområde"), max_length=20, choices=LifeArea.choices)
    source = models.CharField(
        _("kommer fra"), max_length=20, choices=GoalSource.choices, default=GoalSource.FAMILY
    )
    source_note = models.CharField(_("henvisning til planen"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.ACTIVE
    )
    family_comment = models.TextField(_("familiens kommentar"), max_length=2000, blank=True)
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                name="goal_owner_member",
                condition=(Q(owner=GoalOwner.FAMILY) & Q(member__isnull=True))
                | (Q(owner__in=[GoalOwner.PARENT, GoalOwner.CHILD]) & Q(member__isnull=False)),
            ),
            models.CheckConstraint(
                name="goal_choices_valid",
                condition=Q(owner__in=GoalOwner.values)
                & Q(life_area__in=LifeArea.values)
                & Q(source__in=GoalSource.values)
                & Q(status__in=GoalStatus.values),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ActionResponsible(models.TextChoices):
    PROFESSIONAL = "professional", _("Medarbejder")
    FAMILY = "family", _("Familiemedlem")
    OTHER = "other", _("Netværk eller anden fagperson")


class Action(models.Model):
    """A concrete step towards a goal: what, who, by when, in which order."""

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="actions", verbose_name=_("mål")
    )
    what = models.CharField(_("hvad"), max_length=500)
    responsible_kind = models.CharField(
        _("hvem (type)"), max_length=20, choices=ActionResponsible.choices
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("medarbejder"),
    )
    responsible_member = models.ForeignKey(
        "cases.FamilyMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("familiemedlem"),
    )
    responsible_name = models.CharField(
        _("navn (netværk eller fagperson)"), max_length=200, blank=True
    )
    due_on = models.DateField(_("senest"), null=True, blank=True)
    done_on = models.DateField(_("gjort"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        verbose_name = _("handling")
        verbose_name_plural = _("handlinger")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                name="action_one_responsible",
                condition=(
                    Q(responsible_kind=ActionResponsible.PROFESSIONAL)
                    & Q(responsible_user__isnull=False, responsible_member__isnull=True)
                )
                | (
                    Q(responsible_kind=ActionResponsible.FAMILY)
                    & Q(responsible_member__isnull=False, responsible_user__isnull=True)
                )
                | (
                    Q(responsible_kind=ActionResponsible.OTHER)
                    & Q(responsible_user__isnull=True, responsible_member__isnull=True)
                    & ~Q(responsible_name="")
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.what[:60]

    @property
    def responsible_label(self) -> str:
        if self.responsible_user_id:
            return str(self.responsible_user)
        if self.responsible_member_id:
            return str(self.responsible_member)
        return self.responsible_name


class PlanProfessional(models.Model):
    """Who comes to the home and why, so the family can read who does what."""

    plan = models.ForeignKey(
        FamilyPlan, on_delete=models.CASCADE, related_name="professionals", verbose_name=_("plan")
    )
    name = models.CharField(_("navn"), max_length=200)
    role = models.CharField(_("rolle og arbejdssted"), max_length=200)
    why = models.CharField(_("hvorfor kommer de"), max_length=500)
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        verbose_name = _("fagperson i hjemmet")
        verbose_name_plural = _("fagpersoner i hjemmet")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class PlanVersion(models.Model):
    """One saved change of a plan: who, when, what changed, and the plan as it then stood."""

    plan = models.ForeignKey(
        FamilyPlan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan")
    )
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("tidspunkt"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ændret af"),
    )
    summary = models.CharField(_("ændring"), max_length=300)
    snapshot = models.JSONField(_("planen i denne version"))

    class Meta:
        verbose_name = _("planversion")
        verbose_name_plural = _("planversioner")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique_number"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}: {self.summary}"


class GoalReview(models.Model):
    """A goal scaled 0–10 at a review, with a short comment; the plan shows the trend."""

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("mål")
    )
    reviewed_on = models.DateField(_("dato"))
    score = models.PositiveSmallIntegerField(_("skala 0–10"))
    comment = models.CharField(_("kommentar"), max_length=500, blank=True)
    family_comment = models.CharField(_("familiens egne ord"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registreret af"),
    )
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("målvurdering")
        verbose_name_plural = _("målvurderinger")
        ordering = ["reviewed_on", "pk"]
        constraints = [
            models.CheckConstraint(name="goalreview_score_range", condition=Q(score__lte=10)),
            models.UniqueConstraint(fields=["goal", "reviewed_on"], name="goalreview_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.score} ({self.reviewed_on})"
