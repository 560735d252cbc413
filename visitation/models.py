from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staffing.models import OrganisationKind


class LegalBasis(models.Model):
    """A paragraph of Barnets Lov, with the old Serviceloven reference kept as an alias."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    paragraph = models.CharField(_("Barnets Lov"), max_length=60)
    old_reference = models.CharField(_("tidligere serviceloven"), max_length=60, blank=True)
    title = models.CharField(_("emne"), max_length=200)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("lovgrundlag")
        verbose_name_plural = _("lovgrundlag")
        ordering = ["paragraph"]

    def __str__(self) -> str:
        if self.old_reference:
            return _("%(paragraph)s – %(title)s (tidl. %(old)s)") % {
                "paragraph": self.paragraph,
                "title": self.title,
                "old": self.old_reference,
            }
        return f"{self.paragraph} – {self.title}"


class TargetGroup(models.TextChoices):
    MASSIVE = "massive", _("Massive udfordringer – anbringelse skal undgås")
    ACUTE = "acute", _("Akutte udfordringer – fx vold, barnets sikkerhed truet")
    UNCLEAR = "unclear", _("Uklar bekymring – hurtig afklaring")


class ConcernSource(models.TextChoices):
    RADGIVER = "radgiver", _("Rådgiverens egen bekymring")
    ADULT = "adult", _("Voksenområdet")
    JOBCENTER = "jobcenter", _("Jobcentret")
    OTHER = "other", _("Andet")


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Kladde")
    SUBMITTED = "submitted", _("Indsendt")
    DECIDED = "decided", _("Afgjort")
    WITHDRAWN = "withdrawn", _("Trukket tilbage")


class BorneLinealen(models.IntegerChoices):
    """Ishøj's concern scale, five levels."""

    THRIVING = 1, _("Børn i trivsel")
    DECLINING = 2, _("Børn i faldende trivsel")
    VULNERABLE = 3, _("Sårbare børn")
    AT_RISK = 4, _("Udsatte børn")
    THREATENED = 5, _("Truede børn")


class Referral(models.Model):
    """A familierådgiver's request for the Familieberedskab for one family."""

    family = models.ForeignKey(
        "cases.Family",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("familie"),
    )
    provider = models.ForeignKey(
        "staffing.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals",
        limit_choices_to={"kind": OrganisationKind.PROVIDER},
        verbose_name=_("udfører"),
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("familierådgiver"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    concern = models.TextField(_("bekymringen med almindelige ord"), max_length=5000, blank=True)
    target_group = models.CharField(
        _("målgruppe"), max_length=20, choices=TargetGroup.choices, blank=True
    )
    challenges = models.ManyToManyField(
        "staffing.Competence",
        blank=True,
        related_name="referrals",
        verbose_name=_("familiens særlige udfordringer"),
        help_text=_("Bruges til at matche familien med medarbejdere med de rette kompetencer."),
    )
    tried_before = models.TextField(_("hvad er prøvet før"), max_length=5000, blank=True)
    investigation_date = models.DateField(
        _("børnefaglig undersøgelse (dato)"), null=True, blank=True
    )
    investigation_done = models.BooleanField(_("undersøgelsen er gennemført"), default=False)
    child_plan_date = models.DateField(_("barnets plan (dato)"), null=True, blank=True)
    legal_bases = models.ManyToManyField(
        LegalBasis, blank=True, related_name="referrals", verbose_name=_("lovgrundlag")
    )
    concern_source = models.CharField(
        _("hvem rejste bekymringen"), max_length=20, choices=ConcernSource.choices, blank=True
    )
    concern_source_note = models.CharField(_("uddyb kilde"), max_length=200, blank=True)
    consent_given = models.BooleanField(_("forældrene har givet samtykke"), default=False)
    child_views_heard = models.BooleanField(_("barnets synspunkter er hørt"), default=False)
    is_acute = models.BooleanField(_("akut"), default=False)
    pregnancy = models.BooleanField(_("graviditet i familien"), default=False)
    requested_start = models.DateField(_("ønsket opstart"), null=True, blank=True)
    # Leaders can move a family on the waiting list; the reason is required and audited.
    waiting_rank = models.PositiveSmallIntegerField(_("manuel placering"), null=True, blank=True)
    waiting_rank_reason = models.CharField(
        _("begrundelse for placering"), max_length=300, blank=True
    )

    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)
    # The timeline (feeds the evaluation's waiting-time figures).
    submitted_at = models.DateTimeField(_("indsendt"), null=True, blank=True)
    decided_at = models.DateTimeField(_("afgjort"), null=True, blank=True)
    team_assigned_at = models.DateTimeField(_("team tilknyttet"), null=True, blank=True)
    course_started_at = models.DateTimeField(_("forløb startet"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("trukket tilbage"), null=True, blank=True)

    class Meta:
        verbose_name = _("henvisning")
        verbose_name_plural = _("henvisninger")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="referral_status_valid", condition=Q(status__in=ReferralStatus.values)
            ),
            models.CheckConstraint(
                name="referral_submitted_has_time",
                condition=Q(status=ReferralStatus.DRAFT) | Q(submitted_at__isnull=False),
            ),
            models.CheckConstraint(
                name="referral_withdrawn_pair",
                condition=(Q(status=ReferralStatus.WITHDRAWN) & Q(withdrawn_at__isnull=False))
                | (~Q(status=ReferralStatus.WITHDRAWN) & Q(withdrawn_at__isnull=True)),
            ),
            models.CheckConstraint(
                name="referral_rank_has_reason",
                condition=Q(waiting_rank__isnull=True) | ~Q(waiting_rank_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Henvisning')} {self.pk} – {self.family}"


class ReferralChild(models.Model):
    """A child the referral concerns, with the Børnelinealen level judged for that child."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="children", verbose_name=_("henvisning")
    )
    member = models.ForeignKey(
        "cases.FamilyMember", on_delete=models.PROTECT, related_name="+", verbose_name=_("barn")
    )
    level = models.PositiveSmallIntegerField(
        _("Børnelinealen"), choices=BorneLinealen.choices, null=True, blank=True
    )

    class Meta:
        verbose_name = _("barn i henvisning")
        verbose_name_plural = _("børn i henvisning")
        constraints = [
            models.UniqueConstraint(fields=["referral", "member"], name="referralchild_unique"),
            models.CheckConstraint(
                name="referralchild_level_range",
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.get_level_display() or '–'})"


class VisitationMeeting(models.Model):
    """A meeting of the visitation committee; undecided referrals form its agenda."""

    provider = models.ForeignKey(
        "staffing.Organisation",
        on_delete=models.PROTECT,
        related_name="visitation_meetings",
        verbose_name=_("udfører"),
    )
    date = models.DateField(_("dato"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="visitation_meetings",
        verbose_name=_("deltagere"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("oprettet af"),
    )
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("visitationsmøde")
        verbose_name_plural = _("visitationsmøder")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{_('Visitationsmøde')} {self.date:%d.%m.%Y}"


class DecisionKind(models.TextChoices):
    FAMILIEBEREDSKAB = "familieberedskab", _("Familieberedskab")
    ORDINARY = "ordinary", _("Almindelig familiebehandling")
    EXTERNAL = "external", _("Ekstern leverandør")
    WAITING_LIST = "waiting_list", _("Venteliste")
    POSTPONED = "postponed", _("Udsat")
    REJECTED = "rejected", _("Afslag")


class DecisionRoute(models.TextChoices):
    COMMITTEE = "committee", _("Visitationsudvalget")
    ACUTE = "acute", _("Akut (to ledere)")


class Decision(models.Model):
    """The committee's (or the acute route's) decision on a referral. Signed at creation and
    never edited: a correction or a later decision is a new row that ``replaces`` it, so the
    decisions on a referral form one chain whose head is in force."""

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("henvisning")
    )
    route = models.CharField(_("vej"), max_length=20, choices=DecisionRoute.choices)
    meeting = models.ForeignKey(
        VisitationMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("møde"),
    )
    kind = models.CharField(_("afgørelse"), max_length=20, choices=DecisionKind.choices)
    granted_hours = models.DecimalField(
        _("bevilgede timer pr. uge"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    start_date = models.DateField(_("startdato"), null=True, blank=True)
    first_follow_up = models.DateField(_("første opfølgning"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("prioritet på ventelisten"), null=True, blank=True
    )
    reason = models.TextField(_("begrundelse"), max_length=3000, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("erstatter"),
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("underskrevet af"),
    )
    signed_at = models.DateTimeField(_("underskrevet"), default=timezone.now)

    class Meta:
        verbose_name = _("afgørelse")
        verbose_name_plural = _("afgørelser")
        ordering = ["signed_at", "pk"]
        constraints = [
            # Only one first decision per referral: two leaders deciding at once cannot both win.
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(replaces__isnull=True),
                name="decision_one_first_per_referral",
            ),
            models.CheckConstraint(
                name="decision_kind_valid", condition=Q(kind__in=DecisionKind.values)
            ),
            models.CheckConstraint(
                name="decision_route_meeting",
                condition=(Q(route=DecisionRoute.COMMITTEE) & Q(meeting__isnull=False))
                | (Q(route=DecisionRoute.ACUTE) & Q(meeting__isnull=True)),
            ),
            models.CheckConstraint(
                name="decision_grant_fields",
                condition=~Q(kind=DecisionKind.FAMILIEBEREDSKAB)
                | Q(
                    granted_hours__gt=0,
                    granted_hours__lte=40,
                    start_date__isnull=False,
                    first_follow_up__isnull=False,
                ),
            ),
            models.CheckConstraint(
                name="decision_rejection_reason",
                condition=~Q(kind=DecisionKind.REJECTED) | ~Q(reason=""),
            ),
            models.CheckConstraint(
                name="decision_follow_up_after_start",
                condition=Q(first_follow_up__isnull=True)
                | Q(first_follow_up__gt=models.F("start_date")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.signed_at:%d.%m.%Y})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("A signed decision cannot be edited; record a new one")
        super().save(*args, **kwargs)


class ApproverSide(models.TextChoices):
    AUTHORITY = "authority", _("Myndighedens socialfaglige leder")
    PROVIDER = "provider", _("Leder hos udføreren")


class AcuteApproval(models.Model):
    """One of the two approvals an acute decision needs before it takes effect."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="approvals", verbose_name=_("afgørelse")
    )
    side = models.CharField(_("side"), max_length=20, choices=ApproverSide.choices)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("godkendt af"),
    )
    approved_at = models.DateTimeField(_("godkendt"), default=timezone.now)

    class Meta:
        verbose_name = _("akut godkendelse")
        verbose_name_plural = _("akutte godkendelser")
        ordering = ["approved_at"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "side"], name="acuteapproval_one_per_side"),
            models.UniqueConstraint(
                fields=["decision", "approver"], name="acuteapproval_one_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()}: {self.approver}"


class ProgrammeCapacity(models.Model):
    """How many families the provider's Familieberedskab can carry at once."""

    provider = models.OneToOneField(
        "staffing.Organisation",
        on_delete=models.CASCADE,
        related_name="capacity",
        verbose_name=_("udfører"),
    )
    families = models.PositiveSmallIntegerField(_("antal familier ad gangen"))
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        verbose_name = _("kapacitet")
        verbose_name_plural = _("kapacitet")

    def __str__(self) -> str:
        return f"{self.provider}: {self.families}"


class Matching(models.Model):
    """The leader's choice of team for a granted referral, with the reason."""

    referral = models.OneToOneField(
        Referral, on_delete=models.PROTECT, related_name="matching", verbose_name=_("henvisning")
    )
    course = models.OneToOneField(
        "cases.Course", on_delete=models.PROTECT, related_name="matching", verbose_name=_("forløb")
    )
    reason = models.TextField(_("begrundelse for matchningen"), max_length=3000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("besluttet af"),
    )
    decided_at = models.DateTimeField(_("besluttet"), default=timezone.now)
    over_capacity = models.BooleanField(_("overbelægning"), default=False)

    class Meta:
        verbose_name = _("matchning")
        verbose_name_plural = _("matchninger")
        constraints = [
            models.CheckConstraint(name="matching_reason_required", condition=~Q(reason="")),
        ]

    def __str__(self) -> str:
        return _("Matchning – %(referral)s") % {"referral": self.referral}
