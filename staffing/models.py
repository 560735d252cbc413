from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RADGIVER = "radgiver", _("Familierådgiver")
    BEHANDLER = "behandler", _("Familiebehandler")
    PAEDAGOG = "paedagog", _("Pædagog")
    PSYKOLOG = "psykolog", _("Psykolog")
    LEDER = "leder", _("Leder")
    PROJEKTLEDER = "projektleder", _("Projektleder")
    ADMINISTRATOR = "administrator", _("Administrator")
    EVALUATOR = "evaluator", _("Evaluator")


PRACTITIONER_ROLES = frozenset({Role.BEHANDLER, Role.PAEDAGOG, Role.PSYKOLOG})


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Kommune (myndighed)")
    PROVIDER = "provider", _("Udfører")


class OrganisationQuerySet(models.QuerySet):
    def municipalities(self) -> "OrganisationQuerySet":
        return self.filter(kind=OrganisationKind.MUNICIPALITY)

    def providers(self) -> "OrganisationQuerySet":
        return self.filter(kind=OrganisationKind.PROVIDER)

    def active(self) -> "OrganisationQuerySet":
        return self.filter(is_active=True)


class Organisation(models.Model):
    """A municipality (the authority that decides and pays) or a provider (delivers help)."""

    name = models.CharField(_("navn"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    municipality_code = models.PositiveSmallIntegerField(
        _("kommunenummer"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("Kommunens officielle nummer, fx 183 for Ishøj."),
    )
    serves = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="providers",
        limit_choices_to={"kind": OrganisationKind.MUNICIPALITY},
        verbose_name=_("betjener kommuner"),
        help_text=_("For en udfører: de kommuner, den leverer indsatser til."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="organisation_code_iff_municipality",
                condition=(
                    Q(kind=OrganisationKind.MUNICIPALITY, municipality_code__isnull=False)
                    | Q(kind=OrganisationKind.PROVIDER, municipality_code__isnull=True)
                ),
            ),
            models.CheckConstraint(
                name="organisation_code_range",
                condition=Q(municipality_code__isnull=True)
                | Q(municipality_code__gte=101, municipality_code__lte=860),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_municipality(self) -> bool:
        return self.kind == OrganisationKind.MUNICIPALITY

    @property
    def is_provider(self) -> bool:
        return self.kind == OrganisationKind.PROVIDER


class StaffUserManager(UserManager):
    """Users come with their organisation: every request needs it (scope, navigation)."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("organisation")


class User(AbstractBaseUser, PermissionsMixin):
    """A staff account. What it may do follows from its roles and its organisation."""

    username = models.CharField(
        _("brugernavn"),
        max_length=150,
        unique=True,
        validators=[UnicodeUsernameValidator()],
    )
    full_name = models.CharField(_("fuldt navn"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("organisation"),
    )
    is_active = models.BooleanField(
        _("aktiv"),
        default=True,
        help_text=_("Fjern markeringen for at deaktivere kontoen. Åbne sessioner lukkes straks."),
    )
    date_joined = models.DateTimeField(_("oprettet"), default=timezone.now)

    objects = StaffUserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name", "organisation"]

    class Meta:
        verbose_name = _("medarbejder")
        verbose_name_plural = _("medarbejdere")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """The user's roles; one query per request, none if prefetched."""
        return frozenset(r.role for r in self.role_assignments.all())

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_staff(self) -> bool:
        """Django's admin is for administrators only (users, organisations, reference data)."""
        return self.is_active and (self.is_superuser or Role.ADMINISTRATOR in self.roles)

    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in sorted(self.roles)]


class UserRole(models.Model):
    """One role held by one user; a person can hold several."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("medarbejder"),
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("rolle")
        verbose_name_plural = _("roller")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="userrole_unique"),
            models.CheckConstraint(
                name="userrole_role_valid",
                condition=Q(role__in=Role.values),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class CompetenceKind(models.TextChoices):
    METHOD = "method", _("Metode / certificering")
    EXPERTISE = "expertise", _("Særlig ekspertise")


class Competence(models.Model):
    """Reference data: a method (Signs of Safety, FIT, NVR, Marte Meo …) or an expertise tag
    (infants and attachment, teenagers with anxiety …). Referrals name the family's challenges
    with the same tags, which is what matching compares."""

    name = models.CharField(_("navn"), max_length=100, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=CompetenceKind.choices)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("kompetence")
        verbose_name_plural = _("kompetencer")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                name="competence_kind_valid", condition=Q(kind__in=CompetenceKind.values)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    """What matching needs to know about a practitioner: hours and competences."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="profile", verbose_name=_("medarbejder")
    )
    contracted_hours = models.DecimalField(
        _("kontraktuelle timer pr. uge"),
        max_digits=4,
        decimal_places=1,
        default=37,
    )
    flexible_share = models.PositiveSmallIntegerField(
        _("andel fleksible timer (%)"),
        default=0,
        help_text=_(
            "Andelen af timerne, der ligger om aftenen, tidligt om morgenen og i weekenden."
        ),
    )
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        verbose_name = _("medarbejderprofil")
        verbose_name_plural = _("medarbejderprofiler")
        constraints = [
            models.CheckConstraint(
                name="profile_hours_range",
                condition=Q(contracted_hours__gte=0, contracted_hours__lte=60),
            ),
            models.CheckConstraint(
                name="profile_flexible_share_range", condition=Q(flexible_share__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class StaffCompetence(models.Model):
    """A competence held by a practitioner; methods carry a certification date."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="competences", verbose_name=_("medarbejder")
    )
    competence = models.ForeignKey(
        Competence, on_delete=models.PROTECT, related_name="holders", verbose_name=_("kompetence")
    )
    certified_on = models.DateField(_("certificeret"), null=True, blank=True)
    expires_on = models.DateField(_("udløber"), null=True, blank=True)

    class Meta:
        verbose_name = _("medarbejderkompetence")
        verbose_name_plural = _("medarbejderkompetencer")
        ordering = ["competence__kind", "competence__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "competence"], name="staffcompetence_unique"),
            models.CheckConstraint(
                name="staffcompetence_expiry_after_cert",
                condition=Q(expires_on__isnull=True)
                | Q(certified_on__isnull=True)
                | Q(expires_on__gte=models.F("certified_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.competence}"
