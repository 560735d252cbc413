"""Home visits (sessions) and what is derived from them: the visit record a practitioner
makes on a tablet, its corrections (never silent), a draft kept while it is being written,
the activity catalogue mapped to the seven obligatory elements, and changes of the granted
intensity (DOMAIN.md, "The course of a case" step 5; issue 5)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FidelityElement(models.IntegerChoices):
    """The seven obligatory elements (DOMAIN.md)."""

    COHERENT = 1, _("Sammenhængende tværfaglig indsats")
    UNIVERSAL = 2, _("Tilknytning til almenområdet")
    FLEXIBLE = 3, _("Fleksible arbejdstider")
    METHOD = 4, _("Fælles metodisk fundament")
    RELATIONSHIP = 5, _("Systematisk relationsarbejde")
    MULTIFAMILY = 6, _("Flerfamilieaktiviteter")
    NETWORK = 7, _("Inddragelse af netværket")


class ActivityType(models.Model):
    """An entry of the maintained activity catalogue (edited in the admin), mapped to the
    obligatory elements it practises."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("navn"), max_length=100)
    group = models.CharField(_("gruppe"), max_length=100, blank=True)
    elements = models.JSONField(
        _("elementer"),
        default=list,
        blank=True,
        help_text=_("Numrene (1–7) på de obligatoriske elementer, aktiviteten praktiserer."),
    )
    is_active = models.BooleanField(_("i brug"), default=True)
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        verbose_name = _("aktivitetstype")
        verbose_name_plural = _("aktivitetstyper")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        values = self.elements if isinstance(self.elements, list) else None
        if values is None or any(v not in FidelityElement.values for v in values):
            raise ValidationError({"elements": _("Angiv elementer som en liste af tal 1–7.")})


class VisitPlace(models.TextChoices):
    HOME = "home", _("I hjemmet")
    WORKSHOP = "workshop", _("Familieværkstedet")
    SCHOOL = "school", _("Skole eller dagtilbud")
    JOBCENTER = "jobcenter", _("Jobcenter")
    OUTDOORS = "outdoors", _("Udendørs")
    REMOTE = "remote", _("Telefon eller video")


class VisitQuerySet(models.QuerySet):
    def with_details(self) -> "VisitQuerySet":
        return self.select_related("author").prefetch_related(
            "staff_participants",
            "family_participants",
            "network_participants",
            "activities",
            "goals",
        )


class Visit(models.Model):
    """One contact with the family: when, where, who, what was done, which goals were worked
    on, a journal note, and the FIT scores. The evening, early-morning and weekend minutes are
    derived from the times (cases/visit_time.py), never typed."""

    course = models.ForeignKey(
        "cases.Course", on_delete=models.PROTECT, related_name="visits", verbose_name=_("forløb")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registreret af"),
    )
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("slut"))
    place = models.CharField(_("sted"), max_length=20, choices=VisitPlace.choices)
    staff_participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="visits_taken_part",
        verbose_name=_("medarbejdere"),
    )
    family_participants = models.ManyToManyField(
        "cases.FamilyMember", blank=True, related_name="visits", verbose_name=_("fra familien")
    )
    network_participants = models.ManyToManyField(
        "cases.NetworkMember", blank=True, related_name="visits", verbose_name=_("fra netværket")
    )
    other_participants = models.CharField(_("andre fagpersoner"), max_length=300, blank=True)
    activities = models.ManyToManyField(
        ActivityType, blank=True, related_name="visits", verbose_name=_("aktiviteter")
    )
    goals = models.ManyToManyField(
        "cases.Goal", blank=True, related_name="visits", verbose_name=_("mål der blev arbejdet med")
    )
    note = models.TextField(_("journalnotat"), max_length=10000, blank=True)
    minutes = models.PositiveIntegerField(_("minutter"))
    evening_minutes = models.PositiveIntegerField(_("minutter efter kl. 17"), default=0)
    early_minutes = models.PositiveIntegerField(_("minutter før kl. 8"), default=0)
    weekend_minutes = models.PositiveIntegerField(_("minutter i weekenden"), default=0)
    flexible_minutes = models.PositiveIntegerField(
        _("minutter uden for hverdage kl. 8–17"), default=0
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("besøg")
        verbose_name_plural = _("besøg")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["course", "starts_at"], name="visit_course_start")]
        constraints = [
            models.CheckConstraint(
                name="visit_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))
            ),
            models.CheckConstraint(
                name="visit_place_valid", condition=Q(place__in=VisitPlace.values)
            ),
            models.CheckConstraint(
                name="visit_derived_minutes_within_total",
                condition=Q(evening_minutes__lte=models.F("minutes"))
                & Q(early_minutes__lte=models.F("minutes"))
                & Q(weekend_minutes__lte=models.F("minutes"))
                & Q(flexible_minutes__lte=models.F("minutes")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_id}: {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> float:
        return self.minutes / 60


class VisitRevision(models.Model):
    """A correction of a visit: the visit as it was before, who changed it, when and why."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("besøg")
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("besøget før rettelsen"))
    reason = models.CharField(_("grund til rettelsen"), max_length=300)
    changed_fields = models.JSONField(_("ændrede felter"), default=list)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("rettet"), default=timezone.now)

    class Meta:
        verbose_name = _("rettelse af besøg")
        verbose_name_plural = _("rettelser af besøg")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "number"], name="visitrevision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} v{self.number}"


class VisitDraft(models.Model):
    """A visit being written: the form's fields as typed, saved as the practitioner goes, so
    nothing is lost if the page is left half-filled. One per practitioner and course."""

    course = models.ForeignKey(
        "cases.Course", on_delete=models.CASCADE, related_name="+", verbose_name=_("forløb")
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(_("felter"), default=dict)
    updated_at = models.DateTimeField(_("gemt"), auto_now=True)

    class Meta:
        verbose_name = _("kladde til besøg")
        verbose_name_plural = _("kladder til besøg")
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="visitdraft_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id}/{self.user_id}"


class IntensityChange(models.Model):
    """The granted intensity turned up or down (at a day's notice): from which day, the new
    hours per week, the hours before, and why."""

    course = models.ForeignKey(
        "cases.Course",
        on_delete=models.CASCADE,
        related_name="intensity_changes",
        verbose_name=_("forløb"),
    )
    effective_on = models.DateField(_("gælder fra"))
    hours_per_week = models.DecimalField(_("timer pr. uge"), max_digits=4, decimal_places=1)
    previous_hours = models.DecimalField(
        _("timer pr. uge før"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    reason = models.CharField(_("begrundelse"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("registreret"), default=timezone.now)

    class Meta:
        verbose_name = _("ændring af intensitet")
        verbose_name_plural = _("ændringer af intensitet")
        ordering = ["effective_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="intensity_hours_range",
                condition=Q(hours_per_week__gt=0, hours_per_week__lte=40),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_id}: {self.hours_per_week} h/uge fra {self.effective_on}"
