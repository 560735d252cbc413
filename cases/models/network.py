"""The family's network (netværk): people around the family — relatives, friends,
neighbours, a football coach, and professionals — how they relate to each family member,
what support they give or could give, and how close they are; revisited over time as dated
snapshots, and network meetings with who took part (DOMAIN.md, element 7)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NetworkKind(models.TextChoices):
    RELATIVE = "relative", _("Familie")
    FRIEND = "friend", _("Ven")
    NEIGHBOUR = "neighbour", _("Nabo")
    LEISURE = "leisure", _("Fritid (fx træner)")
    SCHOOL = "school", _("Skole")
    DAYCARE = "daycare", _("Dagtilbud")
    HEALTH_VISITOR = "health_visitor", _("Sundhedsplejerske")
    JOBCENTER = "jobcenter", _("Jobcenter")
    OTHER_PROFESSIONAL = "other_professional", _("Anden fagperson")


PROFESSIONAL_KINDS = frozenset(
    {
        NetworkKind.SCHOOL,
        NetworkKind.DAYCARE,
        NetworkKind.HEALTH_VISITOR,
        NetworkKind.JOBCENTER,
        NetworkKind.OTHER_PROFESSIONAL,
    }
)


class NetworkMember(models.Model):
    family = models.ForeignKey(
        "cases.Family",
        on_delete=models.CASCADE,
        related_name="network",
        verbose_name=_("familie"),
    )
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=NetworkKind.choices)
    support_given = models.CharField(_("støtte i dag"), max_length=500, blank=True)
    support_possible = models.CharField(_("mulig støtte"), max_length=500, blank=True)
    closeness = models.PositiveSmallIntegerField(
        _("hvor tæt (1–5)"), default=3, help_text=_("1 = langt fra, 5 = meget tæt på familien.")
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("netværksperson")
        verbose_name_plural = _("netværkspersoner")
        ordering = ["-closeness", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                name="networkmember_closeness_range",
                condition=Q(closeness__gte=1, closeness__lte=5),
            ),
            models.CheckConstraint(
                name="networkmember_kind_valid", condition=Q(kind__in=NetworkKind.values)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_professional(self) -> bool:
        return self.kind in PROFESSIONAL_KINDS


class NetworkRelation(models.Model):
    """How a network person relates to one family member (e.g. "mormor" to a child)."""

    network_member = models.ForeignKey(
        NetworkMember,
        on_delete=models.CASCADE,
        related_name="relations",
        verbose_name=_("netværksperson"),
    )
    family_member = models.ForeignKey(
        "cases.FamilyMember",
        on_delete=models.CASCADE,
        related_name="network_relations",
        verbose_name=_("familiemedlem"),
    )
    description = models.CharField(_("relation"), max_length=200)

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relationer")
        constraints = [
            models.UniqueConstraint(
                fields=["network_member", "family_member"], name="networkrelation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network_member} – {self.family_member}: {self.description}"


class NetworkSnapshot(models.Model):
    """The network as it stood on a date (the map revisited over time)."""

    family = models.ForeignKey(
        "cases.Family",
        on_delete=models.CASCADE,
        related_name="network_snapshots",
        verbose_name=_("familie"),
    )
    taken_on = models.DateField(_("dato"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    family_perspective = models.TextField(_("familiens egne ord"), max_length=5000, blank=True)
    data = models.JSONField(_("netværket"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registreret af"),
    )
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("netværkskort")
        verbose_name_plural = _("netværkskort")
        ordering = ["-taken_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.family} {self.taken_on}"


class NetworkMeeting(models.Model):
    course = models.ForeignKey(
        "cases.Course",
        on_delete=models.CASCADE,
        related_name="network_meetings",
        verbose_name=_("forløb"),
    )
    held_on = models.DateField(_("dato"))
    network_participants = models.ManyToManyField(
        NetworkMember, blank=True, related_name="meetings", verbose_name=_("fra netværket")
    )
    family_participants = models.ManyToManyField(
        "cases.FamilyMember", blank=True, related_name="+", verbose_name=_("fra familien")
    )
    staff_participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("medarbejdere")
    )
    notes = models.TextField(_("hvad blev aftalt"), max_length=5000, blank=True)
    family_perspective = models.TextField(_("familiens egne ord"), max_length=5000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registreret af"),
    )
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("netværksmøde")
        verbose_name_plural = _("netværksmøder")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.course} {self.held_on}"
