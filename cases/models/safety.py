"""Signs of Safety mapping for a course: what we are worried about, what is working well,
what needs to happen — danger statements each with one safety goal — and the scaling
question 0–10 per person, dated so the scaling shows a trend (DOMAIN.md, "Signs of Safety")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SafetyMapping(models.Model):
    course = models.ForeignKey(
        "cases.Course",
        on_delete=models.CASCADE,
        related_name="safety_mappings",
        verbose_name=_("forløb"),
    )
    mapped_on = models.DateField(_("dato"))
    harm = models.TextField(_("skade: hvad er sket"), max_length=5000, blank=True)
    complicating_factors = models.TextField(
        _("komplicerende faktorer"), max_length=5000, blank=True
    )
    working_well = models.TextField(_("det der fungerer godt"), max_length=5000, blank=True)
    next_steps = models.TextField(_("næste skridt"), max_length=5000, blank=True)
    family_perspective = models.TextField(_("familiens egne ord"), max_length=5000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registreret af"),
    )
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("Signs of Safety-kortlægning")
        verbose_name_plural = _("Signs of Safety-kortlægninger")
        ordering = ["-mapped_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.course} {self.mapped_on}"


class DangerStatement(models.Model):
    """Who is worried, what happened, what could happen to the child if nothing changes."""

    mapping = models.ForeignKey(
        SafetyMapping,
        on_delete=models.CASCADE,
        related_name="danger_statements",
        verbose_name=_("kortlægning"),
    )
    text = models.TextField(_("farevurdering"), max_length=2000)
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        verbose_name = _("farevurdering")
        verbose_name_plural = _("farevurderinger")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class SafetyGoal(models.Model):
    """What must be seen, for how long — exactly one per danger statement."""

    danger_statement = models.OneToOneField(
        DangerStatement,
        on_delete=models.CASCADE,
        related_name="safety_goal",
        verbose_name=_("farevurdering"),
    )
    text = models.TextField(_("sikkerhedsmål"), max_length=2000)

    class Meta:
        verbose_name = _("sikkerhedsmål")
        verbose_name_plural = _("sikkerhedsmål")

    def __str__(self) -> str:
        return self.text[:60]


class ScalingRespondent(models.TextChoices):
    PARENT = "parent", _("Forælder")
    CHILD = "child", _("Barn")
    RADGIVER = "radgiver", _("Familierådgiver")
    PRACTITIONER = "practitioner", _("Medarbejder i Familieberedskabet")
    OTHER = "other", _("Andre")


class ScalingScore(models.Model):
    """The scaling question for one person on the mapping's date: 10 = safe enough to close
    the case, 0 = the children cannot live at home."""

    mapping = models.ForeignKey(
        SafetyMapping,
        on_delete=models.CASCADE,
        related_name="scores",
        verbose_name=_("kortlægning"),
    )
    respondent = models.CharField(_("hvem"), max_length=20, choices=ScalingRespondent.choices)
    member = models.ForeignKey(
        "cases.FamilyMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("familiemedlem"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("medarbejder"),
    )
    label = models.CharField(_("navn"), max_length=200, blank=True)
    score = models.PositiveSmallIntegerField(_("skala 0–10"))

    class Meta:
        verbose_name = _("skalering")
        verbose_name_plural = _("skaleringer")
        constraints = [
            models.CheckConstraint(name="scalingscore_range", condition=Q(score__lte=10)),
            models.CheckConstraint(
                name="scalingscore_respondent",
                condition=(
                    Q(respondent__in=[ScalingRespondent.PARENT, ScalingRespondent.CHILD])
                    & Q(member__isnull=False, user__isnull=True)
                )
                | (
                    Q(respondent__in=[ScalingRespondent.RADGIVER, ScalingRespondent.PRACTITIONER])
                    & Q(user__isnull=False, member__isnull=True)
                )
                | (
                    Q(respondent=ScalingRespondent.OTHER)
                    & Q(member__isnull=True, user__isnull=True)
                    & ~Q(label="")
                ),
            ),
            models.UniqueConstraint(
                fields=["mapping", "member"],
                condition=Q(member__isnull=False),
                name="scalingscore_once_per_member",
            ),
            models.UniqueConstraint(
                fields=["mapping", "user"],
                condition=Q(user__isnull=False),
                name="scalingscore_once_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_respondent_display()}: {self.score}"


class SafetyPlan(models.Model):
    """The safety plan (sikkerhedsplan) where there is danger: everyday rules, who in the
    network does what, how the professionals check, and what happens if the plan is broken.
    Each revision is a new dated row, so earlier plans stay readable; ``review_on`` is when it
    is to be looked at again."""

    course = models.ForeignKey(
        "cases.Course",
        on_delete=models.CASCADE,
        related_name="safety_plans",
        verbose_name=_("forløb"),
    )
    adopted_on = models.DateField(_("vedtaget"))
    review_on = models.DateField(_("gennemgås igen"))
    everyday_rules = models.TextField(_("regler i hverdagen"), max_length=5000)
    network_roles = models.TextField(_("hvem i netværket gør hvad"), max_length=5000)
    professional_checks = models.TextField(_("sådan tjekker fagpersonerne"), max_length=5000)
    if_broken = models.TextField(_("hvis planen ikke holdes"), max_length=5000)
    family_perspective = models.TextField(_("familiens egne ord"), max_length=5000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registreret af"),
    )
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("sikkerhedsplan")
        verbose_name_plural = _("sikkerhedsplaner")
        ordering = ["-adopted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="safetyplan_review_after_adoption",
                condition=Q(review_on__gte=models.F("adopted_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.adopted_on}"
