"""FIT feedback (Feedback-Informed Treatment): the ORS at the start and the SRS at the end of
each session, scored 0.0–10.0 on four items, in the version that fits the person's age on the
visit date; collateral ORS ratings (a parent about a child, a teacher) kept apart; and the
alerts the scores raise, acknowledged with what was done (DOMAIN.md, "Instruments — FIT").
The item wording is licensed and never stored: labels are configurable text."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FitScale(models.TextChoices):
    ORS = "ors", _("ORS (ved start)")
    SRS = "srs", _("SRS (ved slut)")


class FitVersion(models.TextChoices):
    """By age on the visit date: 13+ ORS/SRS, 6–12 CORS/CSRS, up to 5 YCORS/YCSRS."""

    ADULT = "adult", _("ORS/SRS (13+ år)")
    CHILD = "child", _("CORS/CSRS (6–12 år)")
    YOUNG_CHILD = "young_child", _("YCORS/YCSRS (0–5 år)")


class FitRater(models.TextChoices):
    SELF = "self", _("Personen selv")
    COLLATERAL = "collateral", _("En anden om personen")


class FitScore(models.Model):
    """One rating: four items and their total, for ``client`` (whose wellbeing or session
    it is), by the client or — ORS only — by a collateral rater."""

    visit = models.ForeignKey(
        "cases.Visit", on_delete=models.CASCADE, related_name="fit_scores", verbose_name=_("besøg")
    )
    client = models.ForeignKey(
        "cases.FamilyMember",
        on_delete=models.PROTECT,
        related_name="fit_scores",
        verbose_name=_("om hvem"),
    )
    scale = models.CharField(_("skema"), max_length=3, choices=FitScale.choices)
    version = models.CharField(_("version"), max_length=20, choices=FitVersion.choices)
    age_years = models.PositiveSmallIntegerField(_("alder på besøgsdagen"))
    rater = models.CharField(
        _("udfyldt af"), max_length=20, choices=FitRater.choices, default=FitRater.SELF
    )
    rater_member = models.ForeignKey(
        "cases.FamilyMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("udfyldt af (familiemedlem)"),
    )
    rater_description = models.CharField(_("udfyldt af (fx lærer)"), max_length=100, blank=True)
    item1 = models.DecimalField(_("punkt 1"), max_digits=3, decimal_places=1)
    item2 = models.DecimalField(_("punkt 2"), max_digits=3, decimal_places=1)
    item3 = models.DecimalField(_("punkt 3"), max_digits=3, decimal_places=1)
    item4 = models.DecimalField(_("punkt 4"), max_digits=3, decimal_places=1)
    total = models.DecimalField(_("total"), max_digits=3, decimal_places=1)

    class Meta:
        verbose_name = _("FIT-måling")
        verbose_name_plural = _("FIT-målinger")
        ordering = ["visit__starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="fitscore_items_range",
                condition=Q(item1__gte=0, item1__lte=10)
                & Q(item2__gte=0, item2__lte=10)
                & Q(item3__gte=0, item3__lte=10)
                & Q(item4__gte=0, item4__lte=10)
                & Q(total__gte=0, total__lte=40),
            ),
            models.CheckConstraint(
                name="fitscore_choices_valid",
                condition=Q(scale__in=FitScale.values)
                & Q(version__in=FitVersion.values)
                & Q(rater__in=FitRater.values),
            ),
            # The SRS rates the session: only the client rates it.
            models.CheckConstraint(
                name="fitscore_srs_self_only",
                condition=Q(scale="ors") | Q(rater="self"),
            ),
            models.CheckConstraint(
                name="fitscore_rater_given",
                condition=(Q(rater="self") & Q(rater_member__isnull=True))
                | (
                    Q(rater="collateral")
                    & (Q(rater_member__isnull=False) | ~Q(rater_description=""))
                ),
            ),
            models.UniqueConstraint(
                fields=["visit", "client", "scale"],
                condition=Q(rater="self"),
                name="fitscore_one_self_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scale_display()} {self.total}"

    @property
    def items(self) -> list:
        return [self.item1, self.item2, self.item3, self.item4]


class AlertKind(models.TextChoices):
    ALLIANCE = "alliance", _("Alliance (SRS)")
    NO_PROGRESS = "no_progress", _("Ingen pålidelig fremgang")
    DETERIORATION = "deterioration", _("Pålidelig tilbagegang")
    IMPROVEMENT = "improvement", _("Pålidelig fremgang")
    RECOVERY = "recovery", _("Over klinisk grænse (recovery)")


class AlertLevel(models.TextChoices):
    RED = "red", _("Rød")
    AMBER = "amber", _("Gul")
    GOOD = "good", _("Godt nyt")


class FitAlert(models.Model):
    """An alert (or good news) raised by a visit's FIT scores for one family member, shown on
    the course page and the team's start page until acknowledged with a note."""

    course = models.ForeignKey(
        "cases.Course",
        on_delete=models.CASCADE,
        related_name="fit_alerts",
        verbose_name=_("forløb"),
    )
    client = models.ForeignKey(
        "cases.FamilyMember", on_delete=models.CASCADE, related_name="+", verbose_name=_("om hvem")
    )
    visit = models.ForeignKey(
        "cases.Visit", on_delete=models.CASCADE, related_name="fit_alerts", verbose_name=_("besøg")
    )
    kind = models.CharField(_("type"), max_length=20, choices=AlertKind.choices)
    level = models.CharField(_("niveau"), max_length=10, choices=AlertLevel.choices)
    reasons = models.JSONField(_("begrundelse"), default=list)
    session_number = models.PositiveSmallIntegerField(_("session nr."))
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("kvitteret"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kvitteret af"),
    )
    acknowledgement = models.TextField(_("hvad vi gjorde"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("FIT-alarm")
        verbose_name_plural = _("FIT-alarmer")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["course"],
                condition=Q(acknowledged_at__isnull=True),
                name="fitalert_open_by_course",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "client", "kind"], name="fitalert_one_per_visit_kind"
            ),
            models.CheckConstraint(
                name="fitalert_choices_valid",
                condition=Q(kind__in=AlertKind.values) & Q(level__in=AlertLevel.values),
            ),
            models.CheckConstraint(
                name="fitalert_acknowledged_together",
                condition=(
                    Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                    | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_level_display()})"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
