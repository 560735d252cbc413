"""A small, hand-made world for the evaluation report's tests (tests/integration/reporting/
test_figures.py and test_evaluation_pdf.py): seven families in Ishøj and Vallensbæk with
courses in 2025, their referrals and decisions on known days, visits with known minutes and
activities, FIT and measurements with known values, closures and checks after them — plus
families the report must leave out (another provider, another municipality, a course that
ended before the period). Every expected figure in the tests is counted by hand from the
tables in the comments here.

Period: 2025-01-01 – 2025-12-31. Rows are written directly (not through the services) so the
dates can lie in the past exactly where the counting needs them.

    course  family  kommune      target   start       end         granted (h/week)
    C1      F1      Ishøj        massive  2024-10-01  –           10; 20 from 2024-12-01
    C2      F2      Ishøj        massive  2025-02-03  2025-08-29  10; 20 from 2025-05-05
    C3      F3      Ishøj        acute    2025-03-03  –           15; 30 from 2026-01-05
    C4      F4      Ishøj        unclear  2025-04-01  2025-10-31  12
    C5      F5      Ishøj        massive  2025-06-02  –           20
    C6      F6      Vallensbæk   acute    2025-01-06  2025-06-30  25
    C7      F7      Vallensbæk   (none)   2025-12-08  –           8
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cases import visit_time
from cases.models import (
    ActivityType,
    AttendancePeriod,
    AttendanceUnit,
    ChangeStory,
    ChildAtClosure,
    Closure,
    Course,
    CourseStatus,
    Family,
    FamilyMember,
    FamilyPlan,
    FitRater,
    FitScale,
    FitScore,
    FitVersion,
    Goal,
    GoalOwner,
    Institution,
    InstitutionContact,
    Instrument,
    IntensityChange,
    LifeArea,
    Measurement,
    MeasurementDue,
    MemberKind,
    NetworkMeeting,
    NetworkMember,
    NetworkSnapshot,
    Occasion,
    PostClosureCheck,
    SafetyMapping,
    TeamAssignment,
    Visit,
    VisitPlace,
)
from reporting.models import ReportRun
from staffing.models import Organisation, Role, User
from tests.factories.cases import CourseFactory, FamilyFactory, FamilyMemberFactory, fictional_cpr
from tests.factories.staffing import MunicipalityFactory, ProviderFactory, UserFactory
from tests.factories.visitation import DecisionFactory, ReferralFactory
from visitation.models import Matching, ReferralStatus

PERIOD = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
TZ = visit_time.zone()

# Names, CPR numbers and addresses that must never appear in the report.
FAMILY_NAMES = {
    "F1": ("Holmgård", [("caregiver", "Mette", 1989), ("child", "Noah", 2011)]),
    "F2": (
        "Birkedal",
        [("caregiver", "Zainab", 1995), ("child", "Yusuf", 2015), ("child", "Amina", 2018)],
    ),
    "F3": ("Kragsholm", [("caregiver", "Sørine", 1990), ("child", "Villads", 2016)]),
    "F4": ("Østerlund", [("caregiver", "Bjarke", 1985), ("child", "Frederikke", 2013)]),
    "F5": ("Lykkegaard", [("caregiver", "Henriette", 1992), ("child", "Magnus", 2017)]),
    "F6": (
        "Fjordvig",
        [("caregiver", "Katrine", 1994), ("child", "Oliver", 2012), ("child", "Ellie", 2021)],
    ),
    "F7": ("Stenholt", [("caregiver", "Ahmad", 1988), ("child", "Layla", 2014)]),
}
STREETS = {
    key: f"{surname}vej {n}" for n, (key, (surname, _m)) in enumerate(FAMILY_NAMES.items(), 1)
}


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


@dataclass
class World:
    run: ReportRun
    provider: Organisation
    ishoj: Organisation
    vallensbaek: Organisation
    leader: User
    courses: dict[str, Course] = field(default_factory=dict)
    families: dict[str, Family] = field(default_factory=dict)
    members: dict[str, FamilyMember] = field(default_factory=dict)  # "M1", "K1", "K2b", "YC6" …
    cprs: list[str] = field(default_factory=list)
    visits: dict[str, Visit] = field(default_factory=dict)

    def names(self) -> list[str]:
        out = []
        for surname, people in FAMILY_NAMES.values():
            out.append(surname)
            out += [first for _kind, first, _year in people]
        return out


def _family(world: World, key: str, municipality: Organisation, caseworker: User) -> Family:
    surname, people = FAMILY_NAMES[key]
    family = FamilyFactory(
        name=f"Familien {surname}",
        municipality=municipality,
        caseworker=caseworker,
        created_by=caseworker,
        street_address=STREETS[key],
        postal_code="2635",
        city="Ishøj",
    )
    number = key[1:]
    children = 0
    for kind, first, year in people:
        born = dt.date(year, 3, 1)
        cpr = fictional_cpr(born)
        world.cprs.append(cpr)
        member = FamilyMemberFactory(
            family=family,
            kind=kind,
            first_name=first,
            last_name=surname,
            birth_date=born,
            cpr=cpr,
        )
        if kind == MemberKind.CAREGIVER:
            world.members[f"M{number}"] = member
        else:
            suffix = "" if children == 0 else "b"
            if year >= 2020:
                suffix = "y"  # the young child (under 6)
            world.members[f"K{number}{suffix}"] = member
            children += 1
    world.families[key] = family
    return family


def _course(
    family: Family, provider: Organisation, start: dt.date, end: dt.date | None, hours: str
) -> Course:
    return CourseFactory(
        family=family,
        provider=provider,
        start_date=start,
        end_date=end,
        status=CourseStatus.CLOSED if end else CourseStatus.ACTIVE,
        granted_hours=Decimal(hours),
    )


# Visit shapes (local time): A weekday 09–11 (120 min, daytime), B weekday 17–19 (120 min,
# evening), C weekday 07–08 (60 min, early), D Saturday 10–12 (120 min, weekend).
SHAPES = {"A": (9, 11), "B": (17, 19), "C": (7, 8), "D": (10, 12)}


def _visit(
    world: World, key: str, course: Course, day: dt.date, shape: str, activities: list[str]
) -> Visit:
    start_hour, end_hour = SHAPES[shape]
    starts, ends = local(day, start_hour), local(day, end_hour)
    split = visit_time.split(starts, ends)
    visit = Visit.objects.create(
        course=course,
        author=world.leader,
        starts_at=starts,
        ends_at=ends,
        place=VisitPlace.HOME,
        minutes=split.minutes(split.seconds),
        evening_minutes=split.minutes(split.evening),
        early_minutes=split.minutes(split.early),
        weekend_minutes=split.minutes(split.weekend),
        flexible_minutes=split.minutes(split.flexible),
    )
    if activities:
        visit.activities.set(ActivityType.objects.filter(code__in=activities))
    world.visits[key] = visit
    return visit


def _fit(
    visit: Visit, member: FamilyMember, scale: str, total: str, age: int, **extra: Any
) -> FitScore:
    version = (
        FitVersion.ADULT if age >= 13 else FitVersion.CHILD if age >= 6 else FitVersion.YOUNG_CHILD
    )
    value = Decimal(total)
    item = (value / 4).quantize(Decimal("0.1"))
    items = [item, item, item, value - 3 * item]
    return FitScore.objects.create(
        visit=visit,
        client=member,
        scale=scale,
        version=extra.pop("version", version),
        age_years=age,
        item1=items[0],
        item2=items[1],
        item3=items[2],
        item4=items[3],
        total=value,
        **extra,
    )


def _measure(
    world: World,
    course: str,
    code: str,
    member: str,
    occasion: str,
    day: dt.date,
    value: float,
    **extra: Any,
) -> Measurement:
    instrument = Instrument.objects.get(code=code)
    scale = "percentage" if code == "who5" else "total"
    scales = {"total": value / 4 if code == "who5" else value}
    if code == "who5":
        scales["percentage"] = value
    return Measurement.objects.create(
        course=world.courses[course],
        instrument=instrument,
        occasion=occasion,
        subject=world.members[member],
        measured_on=day,
        age_years=30,
        answers={},
        scores={"scales": scales | {scale: value}, "flags": [], "missing_items": [], "bands": {}},
        created_by=world.leader,
        **extra,
    )


def build_world(
    projektleder: User, provider: Organisation, ishoj: Organisation, vallensbaek: Organisation
) -> World:
    leader = UserFactory(organisation=provider, roles=[Role.LEDER], full_name="Lene Ledersen")
    run = ReportRun.objects.create(
        kind="evaluation", period_start=PERIOD[0], period_end=PERIOD[1], requested_by=projektleder
    )
    run.municipalities.set([ishoj, vallensbaek])
    world = World(run=run, provider=provider, ishoj=ishoj, vallensbaek=vallensbaek, leader=leader)
    rg_i = UserFactory(organisation=ishoj, roles=[Role.RADGIVER], full_name="Rita Rådsen")
    rg_v = UserFactory(organisation=vallensbaek, roles=[Role.RADGIVER], full_name="Vera Vallesen")
    for key in ("F1", "F2", "F3", "F4", "F5"):
        _family(world, key, ishoj, rg_i)
    for key in ("F6", "F7"):
        _family(world, key, vallensbaek, rg_v)
    f = world.families
    c = world.courses
    c["C1"] = _course(f["F1"], provider, dt.date(2024, 10, 1), None, "10")
    c["C2"] = _course(f["F2"], provider, dt.date(2025, 2, 3), dt.date(2025, 8, 29), "10")
    c["C3"] = _course(f["F3"], provider, dt.date(2025, 3, 3), None, "15")
    c["C4"] = _course(f["F4"], provider, dt.date(2025, 4, 1), dt.date(2025, 10, 31), "12")
    c["C5"] = _course(f["F5"], provider, dt.date(2025, 6, 2), None, "20")
    c["C6"] = _course(f["F6"], provider, dt.date(2025, 1, 6), dt.date(2025, 6, 30), "25")
    c["C7"] = _course(f["F7"], provider, dt.date(2025, 12, 8), None, "8")
    for course, day, hours in (
        ("C1", dt.date(2024, 12, 1), "20"),
        ("C2", dt.date(2025, 5, 5), "20"),
        ("C3", dt.date(2026, 1, 5), "30"),
    ):
        IntensityChange.objects.create(
            course=c[course],
            effective_on=day,
            hours_per_week=Decimal(hours),
            reason="Ændret behov",
            created_by=leader,
        )
    _referrals(world, rg_i, rg_v)
    _visits(world)
    _fidelity_evidence(world)
    _measurements(world)
    _attendance(world)
    _closures(world)
    _stories(world)
    _outsiders(world, projektleder)
    return world


# Referrals ---------------------------------------------------------------------------------------
#
#   ref  family  acute  submitted         decided            team        course started
#   R1   F1      –      2024-09-01        2024-09-10         2024-09-20  2024-10-01  (before)
#   R2   F2      –      2025-01-06        2025-01-16 (10 d)  01-27 (21)  02-03 (28)
#   R3   F3      yes    2025-02-20 10:00  2025-02-21 09:00   02-24 (4)   03-03 (11)   23 h
#   R4   F4      –      2025-02-03        2025-02-17 (14)    03-17 (42)  04-01 (57)
#   R5   F5      –      2025-04-01        2025-04-22 (21)    05-19 (48)  06-02 (62)   list→FB
#   R6   F6      yes    2025-01-02 10:00  2025-01-03 12:00   01-03 (1)   01-06 (4)    26 h
#   R11  F11     –      2025-10-01        2025-10-09 (8)     –           –            list
#   R12  F12     –      2025-11-03        2025-11-13 (10)    –           –            rejected
#   R13  F13     yes    2025-12-01        –                  –           –            open


def _referrals(world: World, rg_i: User, rg_v: User) -> None:
    p, leader, c = world.provider, world.leader, world.courses

    def referral(family: Family, group: str, submitted: dt.datetime, **kw: Any) -> Any:
        return ReferralFactory(
            family=family,
            provider=p,
            referred_by=family.caseworker,
            target_group=group,
            submitted_at=submitted,
            status=kw.pop("status", ReferralStatus.DECIDED),
            **kw,
        )

    def decide(ref: Any, kind: str, signed: dt.datetime, **kw: Any) -> Any:
        extra = {}
        if kind == "familieberedskab":
            extra = {
                "granted_hours": Decimal("20.0"),
                "start_date": signed.date() + dt.timedelta(days=14),
                "first_follow_up": signed.date() + dt.timedelta(days=120),
            }
        if kind == "rejected":
            extra["reason"] = "Ikke i målgruppen."
        return DecisionFactory(
            referral=ref, signed_by=leader, kind=kind, signed_at=signed, **extra, **kw
        )

    def matched(ref: Any, course: Course, day: dt.datetime) -> None:
        Matching.objects.create(
            referral=ref,
            course=course,
            reason="Erfaring med teenagere",
            decided_by=leader,
            decided_at=day,
        )

    rows = [
        (
            "R1",
            "F1",
            "massive",
            False,
            local(dt.date(2024, 9, 1), 10),
            local(dt.date(2024, 9, 10), 10),
            local(dt.date(2024, 9, 20), 10),
            local(dt.date(2024, 10, 1), 0),
            "C1",
        ),
        (
            "R2",
            "F2",
            "massive",
            False,
            local(dt.date(2025, 1, 6), 10),
            local(dt.date(2025, 1, 16), 10),
            local(dt.date(2025, 1, 27), 10),
            local(dt.date(2025, 2, 3), 0),
            "C2",
        ),
        (
            "R3",
            "F3",
            "acute",
            True,
            local(dt.date(2025, 2, 20), 10),
            local(dt.date(2025, 2, 21), 9),
            local(dt.date(2025, 2, 24), 10),
            local(dt.date(2025, 3, 3), 0),
            "C3",
        ),
        (
            "R4",
            "F4",
            "unclear",
            False,
            local(dt.date(2025, 2, 3), 10),
            local(dt.date(2025, 2, 17), 10),
            local(dt.date(2025, 3, 17), 10),
            local(dt.date(2025, 4, 1), 0),
            "C4",
        ),
        (
            "R5",
            "F5",
            "massive",
            False,
            local(dt.date(2025, 4, 1), 10),
            local(dt.date(2025, 4, 22), 10),
            local(dt.date(2025, 5, 19), 10),
            local(dt.date(2025, 6, 2), 0),
            "C5",
        ),
        (
            "R6",
            "F6",
            "acute",
            True,
            local(dt.date(2025, 1, 2), 10),
            local(dt.date(2025, 1, 3), 12),
            local(dt.date(2025, 1, 3), 14),
            local(dt.date(2025, 1, 6), 0),
            "C6",
        ),
    ]
    for key, fam, group, acute, submitted, decided, team, started, course in rows:
        ref = referral(
            world.families[fam],
            group,
            submitted,
            is_acute=acute,
            decided_at=decided,
            team_assigned_at=team,
            course_started_at=started,
        )
        if key == "R5":
            first = decide(ref, "waiting_list", decided)
            decide(ref, "familieberedskab", local(dt.date(2025, 5, 12), 10), replaces=first)
        elif acute:
            decide(ref, "familieberedskab", decided, route="acute", meeting=None, approved=True)
        else:
            decide(ref, "familieberedskab", decided)
        matched(ref, c[course], team)
    # Families without a course: on the waiting list, rejected, acute and undecided.
    f11 = FamilyFactory(
        name="Familien Nørrekær", municipality=world.ishoj, caseworker=rg_i, created_by=rg_i
    )
    f12 = FamilyFactory(
        name="Familien Vestergren", municipality=world.vallensbaek, caseworker=rg_v, created_by=rg_v
    )
    f13 = FamilyFactory(
        name="Familien Sønderholt", municipality=world.ishoj, caseworker=rg_i, created_by=rg_i
    )
    r11 = referral(
        f11, "massive", local(dt.date(2025, 10, 1), 10), decided_at=local(dt.date(2025, 10, 9), 10)
    )
    decide(r11, "waiting_list", local(dt.date(2025, 10, 9), 10))
    r12 = referral(
        f12, "unclear", local(dt.date(2025, 11, 3), 10), decided_at=local(dt.date(2025, 11, 13), 10)
    )
    decide(r12, "rejected", local(dt.date(2025, 11, 13), 10))
    referral(
        f13,
        "acute",
        local(dt.date(2025, 12, 1), 10),
        is_acute=True,
        status=ReferralStatus.SUBMITTED,
    )


# Visits ------------------------------------------------------------------------------------------
#
#   visit  course  day         shape  activities                      FIT
#   V1_0   C1      2024-12-17  A      conversation                    ORS M1 18        (before)
#   V1_1   C1      2025-01-14  A      conversation                    ORS M1 20, K1 22; SRS M1 36
#   V1_2   C1      2025-02-11  A      school_contact, conversation    ORS M1 24; SRS M1 38
#   V1_3   C1      2025-03-11  B      bedtime                         –
#   V1_4   C1      2025-03-15  D      multifamily                     ORS M1 26, K1 25; SRS M1 39
#   V2_1   C2      2025-02-11  A      conversation                    ORS M2 30; SRS 35
#   V2_2   C2      2025-03-11  B      bedtime                         ORS M2 31; SRS 37
#   V2_3   C2      2025-04-09  C      morning_routine                 ORS M2 24; SRS 38
#   V3_1   C3      2025-03-11  A      conversation                    ORS M3 15
#   V3_2   C3      2025-04-08  A      –                               –
#   V3_3   C3      2026-01-13  A      conversation                    ORS M3 30        (after)
#   V4_1   C4      2025-04-08  A      school_contact                  ORS M4 20; SRS 34
#   V4_2   C4      2025-04-12  D      multifamily                     –
#   V4_3   C4      2025-05-07  C      morning_routine                 ORS M4 27; SRS 36
#   V5_1   C5      2025-06-10  A      conversation                    ORS K5 20 (age 8); SRS K5 30
#   V6_1   C6      2025-01-14  A      conversation, network_meeting   ORS M6 10, YC 30 (4); SRS 33
#   V6_2   C6      2025-02-11  B      –                               ORS M6 16, YC 32; SRS 39
#   V7_1   C7      2025-12-09  A      accompany                       –
#
# In the period: 16 visits (A ×9, B ×3, C ×2, D ×2) = 1800 minutes; evening 360, early 120,
# weekend 240, flexible 720. Visits with FIT in the period: 12.


def _visits(world: World) -> None:
    c, m = world.courses, world.members
    d = dt.date
    v = {}
    v["V1_0"] = _visit(world, "V1_0", c["C1"], d(2024, 12, 17), "A", ["conversation"])
    v["V1_1"] = _visit(world, "V1_1", c["C1"], d(2025, 1, 14), "A", ["conversation"])
    v["V1_2"] = _visit(
        world, "V1_2", c["C1"], d(2025, 2, 11), "A", ["school_contact", "conversation"]
    )
    v["V1_3"] = _visit(world, "V1_3", c["C1"], d(2025, 3, 11), "B", ["bedtime"])
    v["V1_4"] = _visit(world, "V1_4", c["C1"], d(2025, 3, 15), "D", ["multifamily"])
    v["V2_1"] = _visit(world, "V2_1", c["C2"], d(2025, 2, 11), "A", ["conversation"])
    v["V2_2"] = _visit(world, "V2_2", c["C2"], d(2025, 3, 11), "B", ["bedtime"])
    v["V2_3"] = _visit(world, "V2_3", c["C2"], d(2025, 4, 9), "C", ["morning_routine"])
    v["V3_1"] = _visit(world, "V3_1", c["C3"], d(2025, 3, 11), "A", ["conversation"])
    v["V3_2"] = _visit(world, "V3_2", c["C3"], d(2025, 4, 8), "A", [])
    v["V3_3"] = _visit(world, "V3_3", c["C3"], d(2026, 1, 13), "A", ["conversation"])
    v["V4_1"] = _visit(world, "V4_1", c["C4"], d(2025, 4, 8), "A", ["school_contact"])
    v["V4_2"] = _visit(world, "V4_2", c["C4"], d(2025, 4, 12), "D", ["multifamily"])
    v["V4_3"] = _visit(world, "V4_3", c["C4"], d(2025, 5, 7), "C", ["morning_routine"])
    v["V5_1"] = _visit(world, "V5_1", c["C5"], d(2025, 6, 10), "A", ["conversation"])
    v["V6_1"] = _visit(
        world, "V6_1", c["C6"], d(2025, 1, 14), "A", ["conversation", "network_meeting"]
    )
    v["V6_2"] = _visit(world, "V6_2", c["C6"], d(2025, 2, 11), "B", [])
    v["V7_1"] = _visit(world, "V7_1", c["C7"], d(2025, 12, 9), "A", ["accompany"])
    ors, srs = FitScale.ORS, FitScale.SRS
    for visit, member, scale, total, age in [
        ("V1_0", "M1", ors, "18", 35),
        ("V1_1", "M1", ors, "20", 35),
        ("V1_1", "K1", ors, "22", 14),
        ("V1_1", "M1", srs, "36", 35),
        ("V1_2", "M1", ors, "24", 36),
        ("V1_2", "M1", srs, "38", 36),
        ("V1_4", "M1", ors, "26", 36),
        ("V1_4", "K1", ors, "25", 14),
        ("V1_4", "M1", srs, "39", 36),
        ("V2_1", "M2", ors, "30", 29),
        ("V2_1", "M2", srs, "35", 29),
        ("V2_2", "M2", ors, "31", 30),
        ("V2_2", "M2", srs, "37", 30),
        ("V2_3", "M2", ors, "24", 30),
        ("V2_3", "M2", srs, "38", 30),
        ("V3_1", "M3", ors, "15", 34),
        ("V3_3", "M3", ors, "30", 35),
        ("V4_1", "M4", ors, "20", 40),
        ("V4_1", "M4", srs, "34", 40),
        ("V4_3", "M4", ors, "27", 40),
        ("V4_3", "M4", srs, "36", 40),
        ("V5_1", "K5", ors, "20", 8),
        ("V5_1", "K5", srs, "30", 8),
        ("V6_1", "M6", ors, "10", 30),
        ("V6_1", "K6y", ors, "30", 4),
        ("V6_1", "M6", srs, "33", 30),
        ("V6_2", "M6", ors, "16", 30),
        ("V6_2", "K6y", ors, "32", 4),
        ("V6_2", "M6", srs, "39", 30),
    ]:
        _fit(v[visit], m[member], scale, total, age)
    # A mother's rating of her son (collateral) is not his own: left out of the ORS results.
    _fit(v["V1_1"], m["K1"], ors, "10", 14, rater=FitRater.COLLATERAL, rater_member=m["M1"])


# Fidelity evidence -------------------------------------------------------------------------------
#
#   criterion          C1  C2  C3  C4  C5  C6  C7    evidence
#   plan (≤ 28 d)      ✓   ✓   ✗   ✓   ✗   ✓   n/a   goals 10-10, 02-10, 04-15 (43 d), 04-20, 01-10
#   family words       ✓   ✓   ✓   ✓   ✗   ✓   ✗     plan, goal, network meeting, closure, mapping
#   school/daycare     ✓   ✓   ✗   ✓   ✗   ✗   ✓     V1_2, contact 03-01, V4_1, V7_1 (accompany)
#   flexible hours     ✓   ✓   ✗   ✓   ✗   ✓   ✗     B/C/D visits
#   FIT ≥ 80 %         ✓   ✓   ✗   ✗   ✓   ✓   ✗     4/5, 3/3, 1/2, 2/3, 1/1, 2/2, 0/1
#   Signs of Safety    ✓   ✗   ✓   ✗   ✗   ✓   ✗
#   matching           ✓   ✓   ✓   ✓   ✓   ✓   ✗
#   multi-family       ✓   ✗   ✗   ✓   ✗   ✗   ✗
#   network meeting    ✓   ✗   ✓   ✗   ✗   ✓   ✗
#   map revisited      ✓   ✗   ✗   ✗   ✗   ✓   ✗     F1: 2 maps; F3: 1; F6: 2 after start (+1)


def _fidelity_evidence(world: World) -> None:
    c, leader, d = world.courses, world.leader, dt.date

    def goal(course: str, day: dt.date, **kw: Any) -> None:
        plan = FamilyPlan.objects.get(course=c[course])
        Goal.objects.create(
            plan=plan,
            owner=GoalOwner.FAMILY,
            text="Roligere morgener",
            life_area=LifeArea.PARENTING,
            created_at=local(day, 12),
            **kw,
        )

    goal("C1", d(2024, 10, 10))
    goal("C2", d(2025, 2, 10), family_comment="Vi vil have mere ro.")
    goal("C3", d(2025, 4, 15))
    goal("C4", d(2025, 4, 20))
    goal("C6", d(2025, 1, 10))
    FamilyPlan.objects.filter(course=c["C1"]).update(family_perspective="Det er vores plan.")
    school = Institution.objects.create(
        child=world.members["K2"], kind="school", name="Strandskolen", contact_person="Lærer Lund"
    )
    InstitutionContact.objects.create(
        institution=school,
        course=c["C2"],
        contacted_on=d(2025, 3, 1),
        kind="meeting",
        created_by=leader,
    )
    for course, day, words in (
        ("C1", d(2025, 1, 15), ""),
        ("C3", d(2025, 4, 1), ""),
        ("C6", d(2025, 2, 1), "Vi er trygge nu."),
    ):
        SafetyMapping.objects.create(
            course=c[course], mapped_on=day, family_perspective=words, created_by=leader
        )
    for course, day, words in (
        ("C1", d(2025, 3, 10), ""),
        ("C3", d(2025, 5, 1), "Mormor hjælper."),
        ("C6", d(2025, 4, 1), ""),
    ):
        NetworkMeeting.objects.create(
            course=c[course], held_on=day, family_perspective=words, created_by=leader
        )
    for family, day in (
        ("F1", d(2024, 10, 5)),
        ("F1", d(2025, 6, 1)),
        ("F3", d(2025, 3, 10)),
        ("F6", d(2024, 12, 1)),
        ("F6", d(2025, 2, 1)),
        ("F6", d(2025, 5, 1)),
    ):
        NetworkSnapshot.objects.create(
            family=world.families[family], taken_on=day, data=[], created_by=leader
        )


# Measurements ------------------------------------------------------------------------------------
#
#   WHO-5 (%)   first               last                     change
#   M1          2024-10-15 B  40    2025-09-01 F  64         +24 better
#   M2          2025-02-10 B  60    2025-08-25 C  56         −4 same (closure beats a later F 80)
#   M4          2025-04-10 B  36    2025-10-30 C  48         +12 better (2026-01-15 90: after)
#   M6          2025-01-20 B  28    2025-06-25 C  16         −12 worse
#   M3          2025-03-15 B  44    –                        one measurement: no pair
#   M5          2025-07-01 B  60    (F 2025-06-20 is before the baseline: no pair)
#   → 4 pairs, mean 41.0 → 46.0; better 2, same 1, worse 1 (meaningful change 10).
#
#   PSS         M1 60→50, M2 55→50, M3 70→62, M4 48→40, M6 66→70 → 5 pairs, 59.8 → 54.4.
#   SDQ parent  K1 (by M1) 18→14 → 1 pair.


def _measurements(world: World) -> None:
    d = dt.date
    B, F, C = Occasion.BASELINE, Occasion.FOLLOW_UP, Occasion.CLOSURE
    rows = [
        ("C1", "who5", "M1", B, d(2024, 10, 15), 40),
        ("C1", "who5", "M1", F, d(2025, 9, 1), 64),
        ("C2", "who5", "M2", B, d(2025, 2, 10), 60),
        ("C2", "who5", "M2", C, d(2025, 8, 25), 56),
        ("C2", "who5", "M2", F, d(2025, 9, 10), 80),
        ("C4", "who5", "M4", B, d(2025, 4, 10), 36),
        ("C4", "who5", "M4", C, d(2025, 10, 30), 48),
        ("C4", "who5", "M4", F, d(2026, 1, 15), 90),
        ("C6", "who5", "M6", B, d(2025, 1, 20), 28),
        ("C6", "who5", "M6", C, d(2025, 6, 25), 16),
        ("C3", "who5", "M3", B, d(2025, 3, 15), 44),
        ("C5", "who5", "M5", F, d(2025, 6, 20), 50),
        ("C5", "who5", "M5", B, d(2025, 7, 1), 60),
        ("C1", "pss", "M1", B, d(2024, 10, 15), 60),
        ("C1", "pss", "M1", F, d(2025, 9, 1), 50),
        ("C2", "pss", "M2", B, d(2025, 2, 10), 55),
        ("C2", "pss", "M2", C, d(2025, 8, 25), 50),
        ("C3", "pss", "M3", B, d(2025, 3, 15), 70),
        ("C3", "pss", "M3", F, d(2025, 9, 15), 62),
        ("C4", "pss", "M4", B, d(2025, 4, 10), 48),
        ("C4", "pss", "M4", C, d(2025, 10, 30), 40),
        ("C6", "pss", "M6", B, d(2025, 1, 20), 66),
        ("C6", "pss", "M6", C, d(2025, 6, 25), 70),
    ]
    made = {}
    for course, code, member, occasion, day, value in rows:
        made[(course, code, member, occasion, day)] = _measure(
            world, course, code, member, occasion, day, value
        )
    for day, value in ((d(2024, 10, 20), 18), (d(2025, 9, 5), 14)):
        _measure(
            world,
            "C1",
            "sdq_parent",
            "K1",
            B if value == 18 else F,
            day,
            value,
            informant_member=world.members["M1"],
        )

    # The measurement plan (completeness): due in the period —
    #   sdq_parent: K5 baseline missing                        → done 0, waived 0, missing 1
    #   who5: M2 baseline, M2 closure, M4 closure done;
    #         M3 follow-up and M5 closure missing              → done 3, waived 0, missing 2
    #   pss:  M3 follow-up done, M2 closure waived, M6 closure missing → 1, 1, 1
    # (M1's baseline was due in 2024: not counted.)
    def due(
        course: str,
        code: str,
        member: str,
        occasion: str,
        day: dt.date,
        done: Measurement | None = None,
        waived: str = "",
    ) -> None:
        MeasurementDue.objects.create(
            course=world.courses[course],
            instrument=Instrument.objects.get(code=code),
            subject=world.members[member],
            occasion=occasion,
            due_on=day,
            measurement=done,
            waived_reason=waived,
            waived_by=world.leader if waived else None,
        )

    due("C1", "who5", "M1", B, d(2024, 10, 22), made[("C1", "who5", "M1", B, d(2024, 10, 15))])
    due("C5", "sdq_parent", "K5", B, d(2025, 6, 23))
    due("C2", "who5", "M2", B, d(2025, 2, 24), made[("C2", "who5", "M2", B, d(2025, 2, 10))])
    due("C2", "who5", "M2", C, d(2025, 8, 29), made[("C2", "who5", "M2", C, d(2025, 8, 25))])
    due("C4", "who5", "M4", C, d(2025, 10, 31), made[("C4", "who5", "M4", C, d(2025, 10, 30))])
    due("C3", "who5", "M3", F, d(2025, 9, 1))
    due("C5", "who5", "M5", C, d(2025, 12, 1))
    due("C3", "pss", "M3", F, d(2025, 9, 16), made[("C3", "pss", "M3", F, d(2025, 9, 15))])
    due("C2", "pss", "M2", C, d(2025, 8, 29), waived="Mor ønskede ikke")
    due("C6", "pss", "M6", C, d(2025, 6, 30))


# Attendance --------------------------------------------------------------------------------------
#
#   child  first period              last period               absence %  unlawful %
#   K1     2024-08-12–12-20 80/20/8  2025-01-06–06-27 100/10/0  25 → 10    10 → 0
#   K2     2025-01-06–03-31 50/10/5  2025-08-11–12-19 80/8/2    20 → 10    10 → 2.5 (+1 between)
#   K4     2025-01-06–03-31 40/4/0   2025-04-01–06-27 40/8/4    10 → 20     0 → 10
#   K6     one period only; K5: the second ends after the period → neither counts.
#   → 3 children; absence 18.33 → 13.33; unlawful 6.67 → 4.17; less absence: K1, K2.


def _attendance(world: World) -> None:
    d = dt.date

    def periods(child: str, rows: list[tuple[dt.date, dt.date, int, int, int]]) -> None:
        institution = Institution.objects.create(
            child=world.members[child], kind="school", name=f"Skole {child}"
        )
        for start, end, possible, absent, unlawful in rows:
            AttendancePeriod.objects.create(
                institution=institution,
                period_start=start,
                period_end=end,
                unit=AttendanceUnit.DAYS,
                possible=possible,
                absent=absent,
                unlawful=unlawful,
                created_by=world.leader,
            )

    periods(
        "K1",
        [(d(2024, 8, 12), d(2024, 12, 20), 80, 20, 8), (d(2025, 1, 6), d(2025, 6, 27), 100, 10, 0)],
    )
    periods(
        "K2",
        [
            (d(2025, 1, 6), d(2025, 3, 31), 50, 10, 5),
            (d(2025, 4, 1), d(2025, 6, 27), 50, 5, 0),
            (d(2025, 8, 11), d(2025, 12, 19), 80, 8, 2),
        ],
    )
    periods(
        "K4", [(d(2025, 1, 6), d(2025, 3, 31), 40, 4, 0), (d(2025, 4, 1), d(2025, 6, 27), 40, 8, 4)]
    )
    periods("K6", [(d(2025, 1, 6), d(2025, 3, 31), 40, 4, 0)])
    periods(
        "K5",
        [(d(2025, 8, 11), d(2025, 12, 19), 80, 8, 0), (d(2026, 1, 5), d(2026, 3, 27), 50, 1, 0)],
    )


# Closures ----------------------------------------------------------------------------------------
#
#   closure  closed      reason        destination          children at home
#   C2       2025-08-29  goals_reached ordinary_treatment   K2 yes, K2b yes
#   C4       2025-10-31  stepped_down  other_support        K4 yes
#   C6       2025-06-30  placement     placement            K6 no, K6y yes
#   → at closure: 4 at home, 1 not.
#   C10      2024-11-30  (outside the period; another Ishøj family) — only its checks count.
#
#   checks due in the period   3 months          6 months           12 months
#   C10 (K10, K10b)            yes, yes          yes, no            yes, not recorded
#   C6  (K6, K6y)              no, yes           not rec., not rec. (2026)
#   C2  (K2, K2b)              yes, yes (11-29)  (2026)
#   → 3: 5 yes, 1 no, 0 open · 6: 1, 1, 2 · 12: 1, 0, 1.


def _closures(world: World) -> None:
    d, leader = dt.date, world.leader
    f10 = FamilyFactory(
        name="Familien Ravnsholt",
        municipality=world.ishoj,
        caseworker=world.families["F1"].caseworker,
        created_by=leader,
    )
    k10 = FamilyMemberFactory(family=f10, first_name="Sigurd", last_name="Ravnsholt")
    k10b = FamilyMemberFactory(family=f10, first_name="Asta", last_name="Ravnsholt")
    c10 = _course(f10, world.provider, d(2024, 3, 1), d(2024, 11, 30), "20")
    world.courses["C10"] = c10
    m = world.members

    def close(
        course: Course,
        day: dt.date,
        reason: str,
        destination: str,
        children: list[tuple[FamilyMember, bool]],
        words: str = "",
    ) -> Closure:
        closure = Closure.objects.create(
            course=course,
            closed_on=day,
            reason=reason,
            destination=destination,
            family_perspective=words,
            closed_by=leader,
        )
        for child, home in children:
            ChildAtClosure.objects.create(closure=closure, child=child, lives_at_home=home)
        return closure

    def check(
        closure: Closure, child: FamilyMember, months: int, due: dt.date, home: bool | None
    ) -> None:
        PostClosureCheck.objects.create(
            closure=closure,
            child=child,
            months_after=months,
            due_on=due,
            checked_on=due if home is not None else None,
            lives_at_home=home,
            checked_by=leader if home is not None else None,
        )

    cl2 = close(
        world.courses["C2"],
        d(2025, 8, 29),
        "goals_reached",
        "ordinary_treatment",
        [(m["K2"], True), (m["K2b"], True)],
    )
    close(
        world.courses["C4"],
        d(2025, 10, 31),
        "stepped_down",
        "other_support",
        [(m["K4"], True)],
        words="Nu klarer vi det selv.",
    )
    cl6 = close(
        world.courses["C6"],
        d(2025, 6, 30),
        "placement",
        "placement",
        [(m["K6"], False), (m["K6y"], True)],
    )
    cl10 = close(c10, d(2024, 11, 30), "goals_reached", "nothing", [(k10, True), (k10b, True)])
    for child, home3, home6, home12 in ((k10, True, True, True), (k10b, True, False, None)):
        check(cl10, child, 3, d(2025, 2, 28), home3)
        check(cl10, child, 6, d(2025, 5, 30), home6)
        check(cl10, child, 12, d(2025, 11, 30), home12)
    check(cl6, m["K6"], 3, d(2025, 9, 30), False)
    check(cl6, m["K6y"], 3, d(2025, 9, 30), True)
    check(cl6, m["K6"], 6, d(2025, 12, 30), None)
    check(cl6, m["K6y"], 6, d(2025, 12, 30), None)
    check(cl6, m["K6"], 12, d(2026, 6, 30), None)
    check(cl2, m["K2"], 3, d(2025, 11, 29), True)
    check(cl2, m["K2b"], 3, d(2025, 11, 29), True)
    check(cl2, m["K2"], 6, d(2026, 2, 28), None)


# Stories -----------------------------------------------------------------------------------------

STORY = (
    "Mette fortæller: Den 12. maj 2025 spiste Noah Holmgård og jeg morgenmad sammen for "
    "første gang i et år. Mormor Grethe kom forbi på Holmgårdvej 1, og Noahs lærer på "
    "Vejleåskolen ringede fra 43 53 12 00. Lene Ledersen var med."
)


def _stories(world: World) -> None:
    c, m, leader, d = world.courses, world.members, world.leader, dt.date
    NetworkMember.objects.create(family=world.families["F1"], name="Mormor Grethe", kind="relative")
    Institution.objects.create(child=m["K1"], kind="school", name="Vejleåskolen")
    TeamAssignment.objects.create(
        course=c["C1"],
        user=leader,
        role=Role.BEHANDLER,
        hours_per_week=Decimal("10"),
        starts_on=d(2024, 10, 1),
    )
    ChangeStory.objects.create(
        course=c["C1"],
        teller_member=m["M1"],
        told_on=d(2025, 5, 20),
        domain="daily_life",
        title="Mette og Noah spiser morgenmad",
        story=STORY,
        why_significant="Fordi Noah nu kommer glad i skole.",
        consent_to_use=True,
        created_by=leader,
    )
    ChangeStory.objects.create(
        course=c["C2"],
        teller_member=m["M2"],
        told_on=d(2025, 6, 1),
        domain="parenting",
        title="Zainab uden samtykke",
        story="Zainab fortæller om Yusuf.",
        why_significant="Hemmeligt.",
        consent_to_use=False,
        created_by=leader,
    )
    ChangeStory.objects.create(
        course=c["C1"],
        teller_member=m["M1"],
        told_on=d(2024, 12, 1),
        domain="parenting",
        title="En gammel fortælling",
        story="Fra sidste år.",
        why_significant="Før perioden.",
        consent_to_use=True,
        created_by=leader,
    )


# Outside the report ------------------------------------------------------------------------------


def _outsiders(world: World, projektleder: User) -> None:
    """Rows the report must not count: another provider's course and referral in Ishøj, and
    a course at our provider for a family in a municipality the run does not cover."""
    other = ProviderFactory(name="Udfører uden for rapporten")
    brondby = MunicipalityFactory(name="Brøndby Kommune", municipality_code=153)
    d = dt.date
    for municipality, provider in ((world.ishoj, other), (brondby, world.provider)):
        caseworker = UserFactory(organisation=municipality, roles=[Role.RADGIVER])
        family = FamilyFactory(
            name="Familien Udenfor",
            municipality=municipality,
            caseworker=caseworker,
            created_by=caseworker,
        )
        FamilyMemberFactory(
            family=family, first_name="Udenfor", last_name="Udenfor", kind=MemberKind.CHILD
        )
        course = _course(family, provider, d(2025, 2, 1), None, "20")
        _visit(
            world,
            f"out-{provider.pk}-{municipality.pk}",
            course,
            d(2025, 3, 4),
            "B",
            ["multifamily"],
        )
        ref = ReferralFactory(
            family=family,
            provider=provider,
            referred_by=caseworker,
            target_group="massive",
            submitted_at=local(d(2025, 1, 10), 10),
            decided_at=local(d(2025, 1, 12), 10),
            status=ReferralStatus.DECIDED,
            is_acute=True,
        )
        DecisionFactory(referral=ref, kind="waiting_list", signed_at=local(d(2025, 1, 12), 10))
