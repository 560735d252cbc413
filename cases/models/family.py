import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familieberedskab import crypto
from familieberedskab.permissions import family_scope
from staffing.models import PRACTITIONER_ROLES, OrganisationKind, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from staffing.models import User


class FamilyQuerySet(models.QuerySet):
    def visible_to(self, user: "User | AnonymousUser") -> "FamilyQuerySet":
        """The families ``user`` may see — the one scope for views, exports and tasks."""
        return self.filter(family_scope(user))

    def changeable_by(self, user: "User | AnonymousUser") -> "FamilyQuerySet":
        return self.filter(family_scope(user, change=True))

    def search(self, text: str) -> "FamilyQuerySet":
        text = text.strip()
        if not text:
            return self
        matching_members = FamilyMember.objects.filter(
            Q(first_name__icontains=text) | Q(last_name__icontains=text)
        ).values("family_id")
        return self.filter(Q(name__icontains=text) | Q(pk__in=matching_members))

    def with_cpr(self, digits: str) -> "FamilyQuerySet":
        """Families with a member whose CPR number is exactly ``digits`` (via the keyed hash)."""
        return self.with_cpr_hash(crypto.keyed_hash(digits))

    def with_cpr_hash(self, cpr_hash: str) -> "FamilyQuerySet":
        members = FamilyMember.objects.filter(cpr_hash=cpr_hash)
        return self.filter(pk__in=members.values("family_id"))

    def for_list(self) -> "FamilyQuerySet":
        return (
            self.select_related("municipality", "caseworker")
            .annotate(
                children_count=Count("members", filter=Q(members__kind=MemberKind.CHILD)),
            )
            .order_by("name", "pk")
        )  # aggregation drops Meta.ordering


class Family(models.Model):
    """A household that is referred for help, with its members."""

    name = models.CharField(
        _("familiens navn"),
        max_length=200,
        help_text=_("Fx »Familien Jensen«."),
    )
    municipality = models.ForeignKey(
        "staffing.Organisation",
        on_delete=models.PROTECT,
        related_name="families",
        limit_choices_to={"kind": OrganisationKind.MUNICIPALITY},
        verbose_name=_("kommune"),
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="caseworker_families",
        verbose_name=_("familierådgiver"),
    )
    street_address = models.CharField(_("adresse"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postnummer"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("Et postnummer har 4 cifre."))],
    )
    city = models.CharField(_("by"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("oprettet af"),
    )
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    objects = FamilyQuerySet.as_manager()

    class Meta:
        verbose_name = _("familie")
        verbose_name_plural = _("familier")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["municipality", "caseworker"], name="family_muni_cw")]

    def __str__(self) -> str:
        return self.name


class MemberKind(models.TextChoices):
    CHILD = "child", _("Barn")
    CAREGIVER = "caregiver", _("Omsorgsperson")


class FamilyMember(models.Model):
    """A child or a caregiver in a family. The CPR number is stored encrypted."""

    family = models.ForeignKey(
        Family,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("familie"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=MemberKind.choices)
    first_name = models.CharField(_("fornavn"), max_length=100)
    last_name = models.CharField(_("efternavn"), max_length=100)
    birth_date = models.DateField(_("fødselsdato"))
    relation = models.CharField(
        _("relation"),
        max_length=60,
        blank=True,
        help_text=_("Fx mor, far, stedfar, barn."),
    )
    language = models.CharField(_("sprog"), max_length=60, default="dansk")
    interpreter_needed = models.BooleanField(_("behov for tolk"), default=False)
    cpr_encrypted = models.TextField(_("CPR-nummer (krypteret)"), blank=True, editable=False)
    cpr_hash = models.CharField(
        _("CPR-nøgle"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
    )

    class Meta:
        verbose_name = _("familiemedlem")
        verbose_name_plural = _("familiemedlemmer")
        ordering = ["kind", "birth_date", "pk"]
        constraints = [
            models.CheckConstraint(
                name="member_cpr_pair",
                condition=Q(cpr_hash__isnull=True, cpr_encrypted="")
                | (Q(cpr_hash__isnull=False) & ~Q(cpr_encrypted="")),
            ),
            models.CheckConstraint(
                name="member_kind_valid",
                condition=Q(kind__in=MemberKind.values),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return str(self)

    def set_cpr(self, digits: str | None) -> None:
        """Store ``digits`` (normalised, 10 digits) encrypted, with its lookup hash."""
        if digits:
            self.cpr_encrypted = crypto.encrypt(digits)
            self.cpr_hash = crypto.keyed_hash(digits)
        else:
            self.cpr_encrypted, self.cpr_hash = "", None

    @property
    def has_cpr(self) -> bool:
        return bool(self.cpr_hash)

    def cpr_digits(self) -> str:
        """The full number. Callers show it only to roles that need it, and audit that."""
        return crypto.decrypt(self.cpr_encrypted) if self.cpr_encrypted else ""

    @property
    def cpr_masked(self) -> str:
        # The birth date part is not secret (it is the birth date); the serial part is.
        return f"{self.birth_date:%d%m%y}-XXXX" if self.has_cpr else ""

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class CourseStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    ACTIVE = "active", _("Aktivt")
    CLOSED = "closed", _("Afsluttet")


class Course(models.Model):
    """One family's course (forløb) with a provider, from start to closure."""

    family = models.ForeignKey(
        Family,
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("familie"),
    )
    provider = models.ForeignKey(
        "staffing.Organisation",
        on_delete=models.PROTECT,
        related_name="courses",
        limit_choices_to={"kind": OrganisationKind.PROVIDER},
        verbose_name=_("udfører"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CourseStatus.choices,
        default=CourseStatus.PLANNED,
    )
    start_date = models.DateField(_("startdato"), null=True, blank=True)
    end_date = models.DateField(_("slutdato"), null=True, blank=True)
    granted_hours = models.DecimalField(
        _("bevilget intensitet (timer pr. uge)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
    )
    start_meeting_date = models.DateField(_("opstartsmøde"), null=True, blank=True)
    first_follow_up = models.DateField(_("første opfølgningsmøde"), null=True, blank=True)
    follow_up_months = models.PositiveSmallIntegerField(
        _("opfølgning hver (måneder)"),
        default=6,
        help_text=_("Efter første opfølgning holdes der opfølgningsmøde med dette interval."),
    )
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("forløb")
        verbose_name_plural = _("forløb")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="course_end_after_start",
                condition=Q(end_date__isnull=True)
                | (Q(start_date__isnull=False) & Q(end_date__gte=models.F("start_date"))),
            ),
            models.CheckConstraint(
                name="course_status_valid",
                condition=Q(status__in=CourseStatus.values),
            ),
            models.CheckConstraint(
                name="course_follow_up_months_range",
                condition=Q(follow_up_months__gte=1, follow_up_months__lte=12),
            ),
            models.CheckConstraint(
                name="course_granted_hours_range",
                condition=Q(granted_hours__isnull=True)
                | Q(granted_hours__gt=0, granted_hours__lte=40),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family} ({self.get_status_display()})"


class TeamAssignmentQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None) -> "TeamAssignmentQuerySet":
        on = on or timezone.localdate()
        return (
            self.filter(starts_on__lte=on)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
            .exclude(course__status=CourseStatus.CLOSED)
        )

    def with_access(self, on: dt.date | None = None) -> "TeamAssignmentQuerySet":
        """The assignments that give their practitioner read access to the course: current
        ones, and — for ``CLOSED_COURSE_TEAM_ACCESS_DAYS`` after a course is closed — those
        that were current when it closed, so the team can read the closed course (read-only)
        and fetch the closing summary."""
        on = on or timezone.localdate()
        days = settings.CLOSED_COURSE_TEAM_ACCESS_DAYS
        open_now = (
            Q(starts_on__lte=on)
            & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))
            & ~Q(course__status=CourseStatus.CLOSED)
        )
        at_closure = (
            Q(course__status=CourseStatus.CLOSED)
            & Q(course__end_date__gte=on - dt.timedelta(days=days))
            & Q(starts_on__lte=models.F("course__end_date"))
            & (Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("course__end_date")))
        )
        return self.filter(open_now | at_closure)


class TeamAssignment(models.Model):
    """A practitioner working with a family's course, for a period, with weekly hours."""

    course = models.ForeignKey(
        Course,
        on_delete=models.CASCADE,
        related_name="team",
        verbose_name=_("forløb"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("medarbejder"),
    )
    role = models.CharField(
        _("rolle"),
        max_length=20,
        choices=[(r.value, r.label) for r in Role if r in PRACTITIONER_ROLES],
    )
    hours_per_week = models.DecimalField(
        _("timer pr. uge"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(40)],
    )
    starts_on = models.DateField(_("fra"))
    ends_on = models.DateField(_("til"), null=True, blank=True)

    objects = TeamAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("teamtilknytning")
        verbose_name_plural = _("teamtilknytninger")
        constraints = [
            models.CheckConstraint(
                name="assignment_hours_range",
                condition=Q(hours_per_week__gte=0, hours_per_week__lte=40),
            ),
            models.CheckConstraint(
                name="assignment_end_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            ),
            models.CheckConstraint(
                name="assignment_role_practitioner",
                condition=Q(role__in=sorted(r.value for r in PRACTITIONER_ROLES)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.course}"
