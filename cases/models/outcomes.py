"""Outcome measurement (issue 6): instruments defined as data (items, allowed answers,
respondents, ages, scoring rules, bands), a measurement plan per course, the measurements
themselves (answers by item number — the licensed wording is never stored), stories of
change, and the children's school/daycare attachment with attendance.
See DOMAIN.md "Measurement" and "Instruments"."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Informant(models.TextChoices):
    PARENT = "parent", _("Forælder")
    TEACHER = "teacher", _("Lærer eller pædagog")
    SELF = "self", _("Personen selv")


class Instrument(models.Model):
    """An instrument and its version for one kind of informant (e.g. SDQ, parent version).

    ``definition`` holds what scoring needs (see cases/instruments.py): number of items,
    allowed answers, reverse-scored items, scales with their items and how many must be
    answered, impact items … ``scoring`` names the scoring function. A fourth instrument is a
    new row (a data migration) plus, at most, one scoring function."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    family = models.CharField(
        _("måleredskab"), max_length=40, help_text=_("Fx sdq, who5, pss: versioner deler den.")
    )
    name = models.CharField(_("navn"), max_length=100)
    informant = models.CharField(_("udfyldes af"), max_length=20, choices=Informant.choices)
    subject_min_age = models.PositiveSmallIntegerField(_("fra alder"))
    subject_max_age = models.PositiveSmallIntegerField(_("til alder"), null=True, blank=True)
    scoring = models.CharField(_("scoring"), max_length=40)
    definition = models.JSONField(_("definition"))
    item_labels = models.JSONField(
        _("punktetiketter"),
        default=dict,
        blank=True,
        help_text=_("Valgfri korte etiketter pr. punktnummer (ikke den licenserede ordlyd)."),
    )
    is_active = models.BooleanField(_("i brug"), default=True)
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        verbose_name = _("måleredskab")
        verbose_name_plural = _("måleredskaber")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                name="instrument_informant_valid", condition=Q(informant__in=Informant.values)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NormSet(models.Model):
    """A set of bands for an instrument family (e.g. the published UK SDQ three-band cut-offs,
    or a Danish norm table loaded later)."""

    instrument_family = models.CharField(_("måleredskab"), max_length=40)
    code = models.SlugField(_("kode"), max_length=40)
    name = models.CharField(_("navn"), max_length=200)
    source = models.CharField(_("kilde"), max_length=500, blank=True)
    is_default = models.BooleanField(_("standard"), default=False)

    class Meta:
        verbose_name = _("normsæt")
        verbose_name_plural = _("normsæt")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument_family", "code"], name="normset_unique_code"
            ),
            models.UniqueConstraint(
                fields=["instrument_family"],
                condition=Q(is_default=True),
                name="normset_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NormBand(models.Model):
    """A band of one scale's score for one informant (and, where a table has them, an age
    range and sex): ``low`` ≤ score ≤ ``high`` is ``label``."""

    norm_set = models.ForeignKey(NormSet, on_delete=models.CASCADE, related_name="bands")
    informant = models.CharField(_("udfyldt af"), max_length=20, choices=Informant.choices)
    scale = models.CharField(_("skala"), max_length=40)
    age_min = models.PositiveSmallIntegerField(_("fra alder"), default=0)
    age_max = models.PositiveSmallIntegerField(_("til alder"), default=150)
    sex = models.CharField(_("køn"), max_length=1, blank=True, help_text=_("Tom = alle."))
    low = models.DecimalField(_("fra"), max_digits=5, decimal_places=1)
    high = models.DecimalField(_("til"), max_digits=5, decimal_places=1)
    label = models.CharField(_("bånd"), max_length=60)
    rank = models.PositiveSmallIntegerField(
        _("niveau"), default=0, help_text=_("0 = typisk; højere = mere bekymrende.")
    )

    class Meta:
        verbose_name = _("normbånd")
        verbose_name_plural = _("normbånd")
        ordering = ["norm_set", "informant", "scale", "low"]
        constraints = [
            models.CheckConstraint(
                name="normband_low_le_high", condition=Q(low__lte=models.F("high"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scale} {self.low}–{self.high}: {self.label}"


class Occasion(models.TextChoices):
    BASELINE = "baseline", _("Start")
    FOLLOW_UP = "follow_up", _("Opfølgning")
    CLOSURE = "closure", _("Afslutning")


class Measurement(models.Model):
    """One completed instrument: answers by item number (None = not answered), the scores as
    computed when saved (scales, totals, flags, bands from the norm set used)."""

    course = models.ForeignKey(
        "cases.Course", on_delete=models.PROTECT, related_name="measurements"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    occasion = models.CharField(_("tidspunkt"), max_length=20, choices=Occasion.choices)
    subject = models.ForeignKey(
        "cases.FamilyMember",
        on_delete=models.PROTECT,
        related_name="measurements",
        verbose_name=_("om hvem"),
    )
    informant_member = models.ForeignKey(
        "cases.FamilyMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("udfyldt af (familiemedlem)"),
    )
    informant_description = models.CharField(_("udfyldt af"), max_length=100, blank=True)
    measured_on = models.DateField(_("dato"))
    age_years = models.PositiveSmallIntegerField(_("alder på datoen"))
    answers = models.JSONField(_("svar"))
    scores = models.JSONField(_("scorer"), default=dict)
    norm_set = models.ForeignKey(
        NormSet, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("måling")
        verbose_name_plural = _("målinger")
        ordering = ["measured_on", "pk"]
        indexes = [models.Index(fields=["course", "measured_on"], name="measurement_course_day")]
        constraints = [
            models.CheckConstraint(
                name="measurement_occasion_valid", condition=Q(occasion__in=Occasion.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.measured_on}"


class MeasurementDue(models.Model):
    """The measurement plan of a course: an instrument due for a person at an occasion, done
    by a measurement or waived with a reason."""

    course = models.ForeignKey(
        "cases.Course", on_delete=models.CASCADE, related_name="measurements_due"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey("cases.FamilyMember", on_delete=models.CASCADE, related_name="+")
    occasion = models.CharField(_("tidspunkt"), max_length=20, choices=Occasion.choices)
    due_on = models.DateField(_("senest"))
    measurement = models.OneToOneField(
        Measurement, on_delete=models.SET_NULL, null=True, blank=True, related_name="due"
    )
    waived_reason = models.CharField(_("undladt, fordi"), max_length=300, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        "cases.PlanMeeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("planlagt måling")
        verbose_name_plural = _("planlagte målinger")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "instrument", "subject", "occasion", "due_on"],
                name="measurementdue_unique",
            ),
            models.CheckConstraint(
                name="measurementdue_not_done_and_waived",
                condition=Q(measurement__isnull=True) | Q(waived_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.occasion} {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.measurement_id is None and not self.waived_reason


class ChangeDomain(models.TextChoices):
    CHILD = "child", _("Barnets trivsel")
    PARENTING = "parenting", _("Forældreskab")
    DAILY_LIFE = "daily_life", _("Hverdagen og strukturen")
    RELATIONS = "relations", _("Relationer i familien")
    NETWORK = "network", _("Netværket")
    SCHOOL = "school", _("Skole og dagtilbud")
    WORK = "work", _("Arbejde og økonomi")
    OTHER = "other", _("Andet")


class ChangeStory(models.Model):
    """A Most Significant Change story in the teller's own words."""

    course = models.ForeignKey(
        "cases.Course", on_delete=models.PROTECT, related_name="change_stories"
    )
    teller_member = models.ForeignKey(
        "cases.FamilyMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fortalt af (familiemedlem)"),
    )
    teller_description = models.CharField(_("fortalt af"), max_length=100, blank=True)
    told_on = models.DateField(_("dato"))
    domain = models.CharField(_("område"), max_length=20, choices=ChangeDomain.choices)
    title = models.CharField(_("overskrift"), max_length=200)
    story = models.TextField(_("fortællingen med fortællerens ord"), max_length=10000)
    why_significant = models.TextField(_("hvorfor det betyder noget"), max_length=5000)
    consent_to_use = models.BooleanField(
        _("samtykke til anonymiseret brug i rapporter"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("forandringsfortælling")
        verbose_name_plural = _("forandringsfortællinger")
        ordering = ["-told_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="changestory_teller_given",
                condition=Q(teller_member__isnull=False) | ~Q(teller_description=""),
            ),
            models.CheckConstraint(
                name="changestory_domain_valid", condition=Q(domain__in=ChangeDomain.values)
            ),
        ]

    def __str__(self) -> str:
        return self.title


class InstitutionKind(models.TextChoices):
    SCHOOL = "school", _("Skole")
    DAYCARE = "daycare", _("Dagtilbud")
    SFO = "sfo", _("SFO / fritidstilbud")


class Institution(models.Model):
    """A child's school, daycare or SFO, with the contact person."""

    child = models.ForeignKey(
        "cases.FamilyMember", on_delete=models.CASCADE, related_name="institutions"
    )
    kind = models.CharField(_("type"), max_length=20, choices=InstitutionKind.choices)
    name = models.CharField(_("navn"), max_length=200)
    contact_person = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_details = models.CharField(_("kontaktoplysninger"), max_length=200, blank=True)
    starts_on = models.DateField(_("fra"), null=True, blank=True)
    ends_on = models.DateField(_("til"), null=True, blank=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutioner")
        ordering = ["child", "-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="institution_kind_valid", condition=Q(kind__in=InstitutionKind.values)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ContactKind(models.TextChoices):
    MEETING = "meeting", _("Møde")
    PHONE = "phone", _("Telefon eller mail")
    BRIDGE = "bridge", _("Brobygning (fx følge barnet, fælles aktivitet)")


class InstitutionContact(models.Model):
    """A contact or bridge-building activity with a child's institution (element 2)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="contacts")
    course = models.ForeignKey(
        "cases.Course", on_delete=models.CASCADE, related_name="institution_contacts"
    )
    contacted_on = models.DateField(_("dato"))
    kind = models.CharField(_("type"), max_length=20, choices=ContactKind.choices)
    note = models.TextField(_("notat"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("kontakt med institution")
        verbose_name_plural = _("kontakter med institution")
        ordering = ["-contacted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} {self.contacted_on}"


class AttendanceUnit(models.TextChoices):
    DAYS = "days", _("Dage")
    LESSONS = "lessons", _("Lektioner")


class AttendancePeriod(models.Model):
    """Attendance of a child at an institution over a period: how many days (or lessons)
    there were, how many absent, and of those how many unlawful (ulovligt fravær)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="attendance"
    )
    period_start = models.DateField(_("fra"))
    period_end = models.DateField(_("til"))
    unit = models.CharField(_("enhed"), max_length=10, choices=AttendanceUnit.choices)
    possible = models.PositiveIntegerField(_("mulige"))
    absent = models.PositiveIntegerField(_("fravær i alt"))
    unlawful = models.PositiveIntegerField(_("heraf ulovligt"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("fraværsperiode")
        verbose_name_plural = _("fraværsperioder")
        ordering = ["period_start", "pk"]
        constraints = [
            models.CheckConstraint(
                name="attendance_counts_consistent",
                condition=Q(unlawful__lte=models.F("absent"))
                & Q(absent__lte=models.F("possible"))
                & Q(period_end__gte=models.F("period_start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.period_start}–{self.period_end}"

    @property
    def absence_share(self) -> float | None:
        return self.absent / self.possible if self.possible else None
