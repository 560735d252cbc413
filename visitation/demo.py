"""Fictional visitation data for demo mode: the roster, capacity, committee meetings and
referrals in every state, built through the services as the demo rådgivere and leaders.

Idempotent: staff, profiles and capacity are only added when missing, and the referrals and
meetings only when there are no referrals yet. It touches a fixed handful of families, so it
stays fast however many families ``demo_load --families`` made.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cases import cpr
from cases.models import Course, Family, FamilyMember, MemberKind
from cases.services import TeamMember
from staffing.demo import DEMO_PASSWORD
from staffing.models import Competence, Organisation, Role, StaffProfile, User, UserRole
from staffing.services import CompetenceRow, staff_competences_set, staff_profile_update
from visitation import services
from visitation.models import (
    AcuteApproval,
    ConcernSource,
    Decision,
    DecisionKind,
    LegalBasis,
    ProgrammeCapacity,
    Referral,
    TargetGroup,
    VisitationMeeting,
)
from visitation.services import ChildInput, DecisionInput

PROVIDER = "Familieværkstedet"
CAPACITY = 8
CANDIDATE_FAMILIES = 60  # look no further than this for families to refer


@dataclass(frozen=True)
class Practitioner:
    username: str
    full_name: str
    role: str
    hours: str
    flexible_share: int
    # (competence name, certified years ago or None for an expertise tag)
    competences: tuple[tuple[str, int | None], ...]


# The three demo practitioners from staffing.demo get a profile; three more fictional ones
# with different expertise give matching a real choice.
EXTRA_PRACTITIONERS = (
    Practitioner(
        "behandler2",
        "Bo Bakkegaard",
        Role.BEHANDLER,
        "37",
        20,
        (("Teenagere med angst", None), ("NVR (ikke-voldelig modstand)", 3), ("Skolefravær", None)),
    ),
    Practitioner(
        "behandler3",
        "Karim Kaya",
        Role.BEHANDLER,
        "30",
        30,
        (("Vold i familien", None), ("Signs of Safety", 4), ("Forældres misbrug", None)),
    ),
    Practitioner(
        "paedagog2",
        "Signe Stjernholm",
        Role.PAEDAGOG,
        "32",
        50,
        (("Spædbørn og tilknytning", None), ("Marte Meo", 2)),
    ),
)
PROFILES = (
    Practitioner(
        "behandler",
        "",
        Role.BEHANDLER,
        "37",
        20,
        (
            ("Signs of Safety", 5),
            ("FIT (feedback-informeret terapi)", 2),
            ("Forældres psykiske sygdom", None),
        ),
    ),
    Practitioner(
        "paedagog",
        "",
        Role.PAEDAGOG,
        "37",
        50,
        (("Marte Meo", 6), ("Skolefravær", None), ("Vold i familien", None)),
    ),
    Practitioner(
        "psykolog",
        "",
        Role.PSYKOLOG,
        "12",
        0,
        (("Mentalisering", 7), ("Spædbørn og tilknytning", None), ("Teenagere med angst", None)),
    ),
    *EXTRA_PRACTITIONERS,
)


def load_roster(*, users: dict[str, User]) -> dict[str, User]:
    """The extra practitioners, and a profile with competences for each practitioner that
    has none yet. Returns ``users`` with the extra practitioners added."""
    provider = Organisation.objects.get(name=PROVIDER)
    users = dict(users)
    for spec in EXTRA_PRACTITIONERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(
                username=spec.username,
                full_name=spec.full_name,
                organisation=provider,
                email=f"{spec.username}@example.invalid",
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            UserRole.objects.create(user=user, role=spec.role)
        users[spec.username] = user
    with_profile = set(
        StaffProfile.objects.filter(user__username__in=[p.username for p in PROFILES]).values_list(
            "user__username", flat=True
        )
    )
    competences = {c.name: c for c in Competence.objects.all()}
    today = timezone.localdate()
    for spec in PROFILES:
        if spec.username in with_profile or spec.username not in users:
            continue
        user = users[spec.username]
        staff_profile_update(
            by=users["leder"],
            user=user,
            data={
                "contracted_hours": Decimal(spec.hours),
                "flexible_share": spec.flexible_share,
            },
        )
        rows = [
            CompetenceRow(
                competence=competences[name],
                certified_on=today.replace(year=today.year - years, day=1) if years else None,
            )
            for name, years in spec.competences
            if name in competences
        ]
        staff_competences_set(by=users["leder"], user=user, rows=rows)
    return users


def load_capacity(*, users: dict[str, User]) -> None:
    if not ProgrammeCapacity.objects.filter(provider__name=PROVIDER).exists():
        services.capacity_set(by=users["leder"], families=CAPACITY)


class _FamilyPicker:
    """Hands out demo families with children in a fixed order, preferring Ishøj families
    where the acute route needs Ishøj's socialfaglig leder, and families without a course
    where the referral may lead to one. A family whose referral is over can be used again."""

    def __init__(self) -> None:
        has_course = Course.objects.filter(family=OuterRef("pk"))
        children = FamilyMember.objects.filter(family=OuterRef("pk"), kind=MemberKind.CHILD)
        self.families = list(
            Family.objects.filter(Exists(children))
            .annotate(has_course=Exists(has_course))
            .select_related("caseworker", "municipality")
            .order_by("pk")[:CANDIDATE_FAMILIES]
        )
        self.taken: set[int] = set()

    def pick(self, *, ishoj: bool = False, free: bool = False) -> Family | None:
        def ok(family: Family, strict: bool) -> bool:
            if family.pk in self.taken:
                return False
            if ishoj and family.municipality.municipality_code != 183:
                return False
            return not (strict and free and family.has_course)

        for strict in (True, False):
            family = next((f for f in self.families if ok(f, strict)), None)
            if family is not None:
                self.taken.add(family.pk)
                return family
        return None

    def release(self, family: Family) -> None:
        self.taken.discard(family.pk)


@dataclass(frozen=True)
class _Story:
    concern: str
    target_group: str
    tried_before: str
    challenges: tuple[str, ...]
    source: str = ConcernSource.RADGIVER


_STORIES = {
    "violence": _Story(
        "Politiet har to gange været tilkaldt til hjemmet. Børnene fortæller om råb og slag, og "
        "skolen oplever den ældste som bange og tavs.",
        TargetGroup.ACUTE,
        "Familiebehandling i 2023, afbrudt efter tre måneder. Netværksmøde med skolen.",
        ("Vold i familien", "Signs of Safety"),
    ),
    "infant": _Story(
        "Mor er alene med et spædbarn og et mindre barn. Sundhedsplejersken er bekymret for "
        "samspillet og for barnets trivsel.",
        TargetGroup.MASSIVE,
        "Ekstra besøg af sundhedsplejersken, forældregruppe.",
        ("Spædbørn og tilknytning", "Marte Meo"),
        ConcernSource.OTHER,
    ),
    "teen": _Story(
        "Den ældste er ikke kommet i skole i ti uger og isolerer sig. Forældrene ved ikke, "
        "hvordan de skal hjælpe.",
        TargetGroup.UNCLEAR,
        "Samtaler hos PPR og skolens AKT-vejleder.",
        ("Teenagere med angst", "Skolefravær"),
    ),
    "psychiatry": _Story(
        "Far er indlagt i perioder med psykisk sygdom; mor har svært ved at få hverdagen til at "
        "hænge sammen, og børnene passer sig selv om aftenen.",
        TargetGroup.MASSIVE,
        "Aflastning i weekender, støtteperson til mor.",
        ("Forældres psykiske sygdom", "Mentalisering"),
        ConcernSource.ADULT,
    ),
    "abuse": _Story(
        "Jobcentret har rejst bekymring for mors misbrug. Børnene kommer ofte for sent og uden "
        "madpakke.",
        TargetGroup.UNCLEAR,
        "Misbrugsbehandling for mor, afbrudt. Kontaktperson til det ældste barn.",
        ("Forældres misbrug",),
        ConcernSource.JOBCENTER,
    ),
}


class _Builder:
    """Builds one referral at a time through the services, then dates it back in time so the
    demo shows realistic waits (the services stamp everything 'now')."""

    def __init__(self, users: dict[str, User]) -> None:
        self.users = users
        self.provider = Organisation.objects.get(name=PROVIDER)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.legal_bases = list(
            LegalBasis.objects.filter(code__in=["barnets-lov-32-1-5", "barnets-lov-20-23"])
        )
        self.competences = {c.name: c for c in Competence.objects.all()}
        self.rng = random.Random(2635)

    def at(self, day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())

    def days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def draft(
        self, family: Family, story: str, *, complete: bool = True, **extra: object
    ) -> Referral:
        s = _STORIES[story]
        children = list(family.members.filter(kind=MemberKind.CHILD))
        data: dict[str, object] = {"concern": s.concern, "target_group": s.target_group}
        if complete:
            data |= {
                "tried_before": s.tried_before,
                "investigation_date": self.days_ago(40),
                "investigation_done": True,
                "child_plan_date": self.days_ago(30),
                "concern_source": s.source,
                "consent_given": True,
                "child_views_heard": True,
                "requested_start": self.today + dt.timedelta(days=14),
            }
        data |= extra
        levels = (4, 3, 3, 2)
        return services.referral_save(
            by=family.caseworker,
            family=family,
            provider=self.provider,
            data=data,
            children=[
                ChildInput(member=c, level=levels[i % 4] if complete else None)
                for i, c in enumerate(children)
            ],
            legal_bases=self.legal_bases if complete else [],
            challenges=[self.competences[n] for n in s.challenges if n in self.competences],
        )

    def submitted(
        self, family: Family, story: str, *, ago: dt.timedelta, **extra: object
    ) -> Referral:
        referral = services.referral_submit(
            by=family.caseworker, referral=self.draft(family, story, **extra)
        )
        when = self.now - ago
        Referral.objects.filter(pk=referral.pk).update(
            created_at=when - dt.timedelta(days=2), submitted_at=when
        )
        referral.refresh_from_db()
        return referral

    def decided(
        self,
        family: Family,
        story: str,
        *,
        submitted_days: int,
        meeting: VisitationMeeting,
        decision: DecisionInput,
        **extra: object,
    ) -> Referral:
        referral = self.submitted(family, story, ago=dt.timedelta(days=submitted_days), **extra)
        services.decision_record(
            by=self.users["leder"], referral=referral, data=decision, meeting=meeting
        )
        signed = self.at(meeting.date, 11)
        Decision.objects.filter(referral=referral).update(signed_at=signed)
        if Referral.objects.filter(pk=referral.pk, decided_at__isnull=False).exists():
            Referral.objects.filter(pk=referral.pk).update(decided_at=signed)
        referral.refresh_from_db()
        return referral

    def grant(self, start: dt.date, hours: str = "20") -> DecisionInput:
        return DecisionInput(
            kind=DecisionKind.FAMILIEBEREDSKAB,
            granted_hours=Decimal(hours),
            start_date=start,
            first_follow_up=start + dt.timedelta(days=91),
            reason="Massiv bekymring; tidligere indsatser har ikke været tilstrækkelige.",
        )

    def add_infant(self, family: Family) -> None:
        """Make sure the family has a child under 2 (for the waiting list's priority rule)."""
        born = self.today - dt.timedelta(days=290)
        if family.members.filter(kind=MemberKind.CHILD, birth_date__gt=self.days_ago(700)).exists():
            return
        member = FamilyMember(
            family=family,
            kind=MemberKind.CHILD,
            first_name="Alma",
            last_name=family.name.removeprefix("Familien "),
            birth_date=born,
            relation="barn",
        )
        member.set_cpr(cpr.fictional(born, female=True, rng=self.rng))
        if FamilyMember.objects.filter(cpr_hash=member.cpr_hash).exists():
            member.set_cpr(None)
        member.save()


def _meetings(b: _Builder) -> tuple[VisitationMeeting, VisitationMeeting, VisitationMeeting]:
    members = [b.users["leder"], b.users["socialleder"]]
    older, recent, upcoming = (
        services.meeting_create(by=b.users["leder"], date=b.days_ago(days), members=members)
        for days in (42, 14, -7)
    )
    return older, recent, upcoming


def load_referrals(*, users: dict[str, User]) -> int:
    """Referrals in every state and decisions of every kind. Returns how many were made
    (0 when referrals exist already, or when there are no families to refer)."""
    if Referral.objects.exists():
        return 0
    picker = _FamilyPicker()
    if not picker.families:
        return 0
    b = _Builder(users)
    older, recent, _upcoming = _meetings(b)
    made = 0

    def step(family: Family | None, build: Callable[[Family], Referral]) -> Referral | None:
        nonlocal made
        if family is None:
            return None
        made += 1
        return build(family)

    # Over and done with: their families may be referred again below.
    def withdrawn(f: Family) -> Referral:
        referral = b.submitted(f, "abuse", ago=dt.timedelta(days=150))
        referral = services.referral_withdraw(by=f.caseworker, referral=referral)
        Referral.objects.filter(pk=referral.pk).update(withdrawn_at=b.at(b.days_ago(140)))
        return referral

    def rejected(f: Family) -> Referral:
        return b.decided(
            f,
            "teen",
            submitted_days=60,
            meeting=older,
            decision=DecisionInput(
                kind=DecisionKind.REJECTED,
                reason="Målgruppen er ikke opfyldt: bekymringen kan mødes af skolens og PPR's "
                "tilbud. Rådgiveren kan henvise igen, hvis fraværet fortsætter.",
            ),
        )

    def external(f: Family) -> Referral:
        return b.decided(
            f,
            "abuse",
            submitted_days=70,
            meeting=older,
            decision=DecisionInput(
                kind=DecisionKind.EXTERNAL, reason="Behov for specialiseret misbrugsbehandling."
            ),
        )

    closed = [(picker.pick(), build) for build in (withdrawn, rejected, external)]
    for family, build in closed:
        step(family, build)
        if family is not None:
            picker.release(family)

    # Decided and still running.
    step(
        picker.pick(),
        lambda f: b.decided(
            f,
            "psychiatry",
            submitted_days=50,
            meeting=older,
            decision=DecisionInput(
                kind=DecisionKind.ORDINARY, reason="Almindelig familiebehandling er nok."
            ),
        ),
    )
    waiting = (
        ("psychiatry", 95, older, 2, {"pregnancy": True}),
        ("infant", 60, older, 3, {}),
        ("teen", 30, recent, 1, {}),
    )
    for story, days, meeting, priority, extra in waiting:
        family = picker.pick(free=True)
        if family is not None and story == "infant":
            b.add_infant(family)
        step(
            family,
            lambda f, story=story, days=days, meeting=meeting, priority=priority, extra=extra: (
                b.decided(
                    f,
                    story,
                    submitted_days=days,
                    meeting=meeting,
                    decision=DecisionInput(
                        kind=DecisionKind.WAITING_LIST,
                        priority=priority,
                        reason="Bevilget, men der er ingen ledig plads lige nu.",
                    ),
                    **extra,
                )
            ),
        )
    step(
        picker.pick(free=True),
        lambda f: b.decided(
            f,
            "teen",
            submitted_days=20,
            meeting=recent,
            decision=b.grant(b.today + dt.timedelta(days=14)),
        ),
    )
    step(picker.pick(ishoj=True, free=True), lambda f: _acute_matched(b, f))
    step(
        picker.pick(),
        lambda f: b.decided(
            f,
            "abuse",
            submitted_days=25,
            meeting=recent,
            decision=DecisionInput(
                kind=DecisionKind.POSTPONED,
                reason="Udsat til næste møde: den børnefaglige undersøgelse skal afsluttes først.",
            ),
        ),
    )
    # Waiting for the committee or the two leaders.
    step(picker.pick(ishoj=True), lambda f: _acute_awaiting_approval(b, f))
    step(
        picker.pick(ishoj=True),
        lambda f: b.submitted(f, "violence", ago=dt.timedelta(hours=5), is_acute=True),
    )
    step(picker.pick(), lambda f: b.submitted(f, "psychiatry", ago=dt.timedelta(days=6)))
    # Drafts the rådgiver has still to finish.
    step(picker.pick(), lambda f: b.draft(f, "teen"))
    step(picker.pick(), lambda f: b.draft(f, "infant", complete=False))
    return made


def _acute_awaiting_approval(b: _Builder, family: Family) -> Referral:
    """Acute, granted by the provider's leader, waiting for Ishøj's socialfaglig leder —
    submitted over 24 hours ago, so the start page flags it red."""
    referral = b.submitted(family, "violence", ago=dt.timedelta(hours=30), is_acute=True)
    decision = services.decision_record(
        by=b.users["leder"], referral=referral, data=b.grant(b.today + dt.timedelta(days=2), "30")
    )
    approval = services.acute_approve(by=b.users["leder"], decision=decision)
    Decision.objects.filter(pk=decision.pk).update(signed_at=b.now - dt.timedelta(hours=28))
    AcuteApproval.objects.filter(pk=approval.pk).update(approved_at=b.now - dt.timedelta(hours=27))
    return referral


def _acute_matched(b: _Builder, family: Family) -> Referral:
    """Acute, approved by both leaders, matched with a team; the course started ten days ago."""
    referral = b.submitted(family, "violence", ago=dt.timedelta(days=21), is_acute=True)
    start = b.days_ago(10)
    decision = services.decision_record(
        by=b.users["leder"], referral=referral, data=b.grant(start, "30")
    )
    services.acute_approve(by=b.users["leder"], decision=decision)
    services.acute_approve(by=b.users["socialleder"], decision=decision)
    services.match_assign(
        by=b.users["leder"],
        referral=referral,
        team=[
            TeamMember(b.users["behandler3"], Role.BEHANDLER, Decimal("15")),
            TeamMember(b.users["paedagog2"], Role.PAEDAGOG, Decimal("12")),
            TeamMember(b.users["psykolog"], Role.PSYKOLOG, Decimal("3")),
        ],
        reason="Karim har erfaring med vold i familien og Signs of Safety; Signe dækker "
        "aftener og weekender.",
        start_meeting_date=start,
    )
    decided = b.at(b.days_ago(20), 9)
    Decision.objects.filter(referral=referral).update(signed_at=decided)
    AcuteApproval.objects.filter(decision=decision).update(approved_at=decided)
    Referral.objects.filter(pk=referral.pk).update(
        decided_at=decided,
        team_assigned_at=b.at(b.days_ago(17)),
        course_started_at=b.at(start, 8),
    )
    return referral


@transaction.atomic
def load_visitation(*, users: dict[str, User]) -> int:
    """The whole visitation demo; returns the number of referrals made this time."""
    users = load_roster(users=users)
    load_capacity(users=users)
    return load_referrals(users=users)
