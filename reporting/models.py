"""Report runs for Socialstyrelsen and the evaluator (issue 7): what was asked for, by whom,
how far the Celery task has come, the files it made (in private storage), and schedules that
request runs by themselves."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familieberedskab.storage import private_storage_callable


class ReportKind(models.TextChoices):
    EVALUATION = "evaluation", _("Evalueringsrapport (PDF)")
    DATASET = "dataset", _("Evaluatorens datasæt (CSV og XLSX)")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("I kø")
    RUNNING = "running", _("I gang")
    DONE = "done", _("Færdig")
    FAILED = "failed", _("Fejlede")
    CANCELLED = "cancelled", _("Annulleret")


class Cadence(models.TextChoices):
    QUARTERLY = "quarterly", _("Hvert kvartal")
    YEARLY = "yearly", _("Hvert år")


class ReportSchedule(models.Model):
    """Request a run of ``kind`` for the last whole quarter or year, on the first day after it."""

    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("rapport"), max_length=20, choices=ReportKind.choices)
    cadence = models.CharField(_("hyppighed"), max_length=20, choices=Cadence.choices)
    municipalities = models.ManyToManyField(
        "staffing.Organisation", related_name="+", verbose_name=_("kommuner")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bestilt af"),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    next_run_on = models.DateField(_("næste kørsel"))
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("rapportplan")
        verbose_name_plural = _("rapportplaner")
        ordering = ["next_run_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="reportschedule_choices_valid",
                condition=Q(kind__in=ReportKind.values) & Q(cadence__in=Cadence.values),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReportRun(models.Model):
    kind = models.CharField(_("rapport"), max_length=20, choices=ReportKind.choices)
    period_start = models.DateField(_("periode fra"))
    period_end = models.DateField(_("periode til"))
    municipalities = models.ManyToManyField(
        "staffing.Organisation", related_name="+", verbose_name=_("kommuner")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="report_runs",
        verbose_name=_("bestilt af"),
    )
    schedule = models.ForeignKey(
        ReportSchedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("fremdrift (%)"), default=0)
    step = models.CharField(_("trin"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    cancel_requested = models.BooleanField(_("annullering bedt om"), default=False)
    error = models.CharField(_("fejl"), max_length=500, blank=True)
    task_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("bestilt"), default=timezone.now)
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("færdig"), null=True, blank=True)
    files_expired_at = models.DateTimeField(_("filer slettet"), null=True, blank=True)

    class Meta:
        verbose_name = _("rapportkørsel")
        verbose_name_plural = _("rapportkørsler")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="reportrun_choices_valid",
                condition=Q(kind__in=ReportKind.values) & Q(status__in=RunStatus.values),
            ),
            models.CheckConstraint(name="reportrun_progress_range", condition=Q(progress__lte=100)),
            models.CheckConstraint(
                name="reportrun_period_order",
                condition=Q(period_end__gte=models.F("period_start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED)


class FileKind(models.TextChoices):
    PDF = "pdf", _("Rapport (PDF)")
    COURSES_CSV = "courses_csv", _("Forløb (CSV)")
    MEASUREMENTS_CSV = "measurements_csv", _("Målinger (CSV)")
    XLSX = "xlsx", _("Datasæt (XLSX)")
    DICTIONARY = "dictionary", _("Datadokumentation")


class ReportFile(models.Model):
    run = models.ForeignKey(ReportRun, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("fil"), max_length=30, choices=FileKind.choices)
    name = models.CharField(_("filnavn"), max_length=200)
    file = models.FileField(storage=private_storage_callable, upload_to="reports/%Y/%m/")
    size = models.PositiveBigIntegerField(_("størrelse"), default=0)
    sha256 = models.CharField(max_length=64)
    confidential = models.BooleanField(_("fortroligt"), default=False)
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("rapportfil")
        verbose_name_plural = _("rapportfiler")
        ordering = ["run", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["run", "kind"], name="reportfile_one_per_kind"),
        ]

    def __str__(self) -> str:
        return self.name
