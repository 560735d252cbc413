from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Oprettet")
    UPDATE = "update", _("Ændret")
    DELETE = "delete", _("Slettet")
    VIEW = "view", _("Set")
    LIST = "list", _("Vist i liste")
    SEARCH = "search", _("Søgning")
    EXPORT = "export", _("Eksporteret")
    CPR_REVEAL = "cpr_reveal", _("Fuldt CPR-nummer vist")
    LOGIN = "login", _("Logget ind")
    LOGOUT = "logout", _("Logget ud")
    OTP_ENROL = "otp_enrol", _("Engangskode tilknyttet")
    OTP_RESET = "otp_reset", _("Engangskode nulstillet")


class AuditEventQuerySet(models.QuerySet):
    """Append-only: the app can add rows and read them, never change or remove them."""

    def update(self, **kwargs: object) -> int:
        raise PermissionError("The audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only")


class AuditEvent(models.Model):
    """One row of the append-only audit trail.

    Records who did what to which object, and which fields changed — by name only; values
    are kept only for fields that are not personal data. On PostgreSQL a trigger refuses
    UPDATE and DELETE (migration 0002), so the rule holds outside the app as well.
    """

    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bruger"),
    )
    action = models.CharField(_("handling"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("objekttype"), max_length=60, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=40, blank=True)
    # Plain integers, not foreign keys: the trail outlives the rows it describes and the
    # kernel must not depend on the apps above it.
    family_id = models.BigIntegerField(_("familie-id"), null=True, blank=True, db_index=True)
    course_id = models.BigIntegerField(_("forløbs-id"), null=True, blank=True, db_index=True)
    fields = models.JSONField(_("ændrede felter"), default=list, blank=True)
    values = models.JSONField(_("værdier (ikke-personlige)"), default=dict, blank=True)
    detail = models.CharField(_("detaljer"), max_length=500, blank=True)
    request_id = models.CharField(_("request-id"), max_length=64, blank=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("logningshændelse")
        verbose_name_plural = _("logningshændelser")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "at"], name="audit_actor_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only")


class Notification(models.Model):
    """An in-app message to one user (e-mailed too, without personal data, where configured)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("modtager"),
    )
    text = models.CharField(_("besked"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # Reminders carry a key so that a beat task run twice does not remind twice.
    key = models.CharField(_("nøgle"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("læst"), null=True, blank=True)

    class Meta:
        verbose_name = _("notifikation")
        verbose_name_plural = _("notifikationer")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notification_unique_key",
            ),
        ]

    def __str__(self) -> str:
        return self.text
