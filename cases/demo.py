"""Fictional families for demo mode and benchmarks. Names are invented; CPR numbers are
valid in format but fictional by construction (see ``cpr.fictional``)."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases import cpr
from cases.meeting_schedule import add_months, first_follow_up_due, next_follow_up_due
from cases.meeting_services import meeting_record, meetings_schedule_initial
from cases.models import (
    ActionResponsible,
    Course,
    CourseStatus,
    Family,
    FamilyMember,
    FamilyPlan,
    Goal,
    GoalOwner,
    GoalSource,
    LifeArea,
    MeetingKind,
    MemberKind,
    NetworkKind,
    PlanMeeting,
    PlanVersion,
    ScalingRespondent,
    TeamAssignment,
)
from cases.network_services import network_member_save, network_snapshot_take
from cases.plan_services import (
    action_save,
    goal_review_save,
    goal_save,
    plan_perspective_save,
    plan_snapshot,
    professional_save,
)
from cases.safety_plan_services import safety_plan_save
from cases.safety_services import Score, safety_mapping_save
from staffing.models import Organisation, Role, User

_SURNAMES = [
    "Holmgård",
    "Birkelund",
    "Engtoft",
    "Skovbæk",
    "Lykkeberg",
    "Mølleå",
    "Rosendahl",
    "Kjærsgaard",
    "Fjordvang",
    "Stenholt",
    "Agerlund",
    "Bøgely",
    "Granhøj",
    "Lindevang",
    "Havgaard",
    "Krogsbøl",
    "Vestervang",
    "Ellehøj",
    "Tranekær",
    "Søndervig",
    "Bakkehus",
    "Hyldegaard",
    "Rønnebæk",
    "Klitgaard",
    "Nørreskov",
    "Ådalen",
    "Præstevang",
    "Egelund",
]
_FEMALE = [
    "Sofie",
    "Ida",
    "Freja",
    "Maja",
    "Nora",
    "Alma",
    "Aya",
    "Lærke",
    "Mette",
    "Hanne",
    "Camilla",
    "Sara",
    "Amina",
    "Zeynep",
]
_MALE = [
    "Noah",
    "Oscar",
    "William",
    "Malthe",
    "Elias",
    "Karl",
    "Omar",
    "Jonas",
    "Thomas",
    "Martin",
    "Kasper",
    "Ali",
    "Mikkel",
    "Emil",
]
_STREETS = [
    "Strandgårdsvej",
    "Vejleåvej",
    "Ishøj Stationsvej",
    "Tranegilde Strandvej",
    "Vallensbæk Torvevej",
    "Pilemøllevej",
    "Gadekærvej",
]
_LANGUAGES = ["dansk"] * 6 + ["arabisk", "tyrkisk", "somali", "urdu"]


def _distinct_first_names(rng: random.Random, people: list[dict[str, object]]) -> None:
    """No two people in a family share a first name (it confuses a newcomer)."""
    seen: set[object] = set()
    for person in people:
        names = _FEMALE if person["female"] else _MALE
        while person["first_name"] in seen:
            person["first_name"] = rng.choice(names)
        seen.add(person["first_name"])


def _person(rng: random.Random, born: dt.date, surname: str) -> dict[str, object]:
    female = rng.random() < 0.5
    digits = cpr.fictional(born, female=female, rng=rng)
    return {
        "first_name": rng.choice(_FEMALE if female else _MALE),
        "last_name": surname,
        "birth_date": born,
        "cpr": digits,
        "female": female,
    }


def _birth_date(rng: random.Random, min_age: int, max_age: int) -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=rng.randint(min_age * 365 + 1, max_age * 365 - 1))


@transaction.atomic
def load_families(*, users: dict[str, User], count: int, seed: int = 183) -> int:
    """Create ``count`` fictional families spread over the demo municipalities and rådgivere.

    About a third get an active course at Familieværkstedet with the demo behandler and
    pædagog. Bulk inserts, so ``count`` can be tens of thousands for benchmarks.
    """
    rng = random.Random(seed)
    caseworkers = [users["radgiver"], users["radgiver2"], users["radgiver.vallensbaek"]]
    provider = Organisation.objects.get(name="Familieværkstedet")
    today = timezone.localdate()
    start_index = Family.objects.count()

    surnames = rng.sample(_SURNAMES, len(_SURNAMES))
    families, member_rows = [], []
    for i in range(count):
        caseworker = caseworkers[i % len(caseworkers)]
        # Distinct names for the first families, so a newcomer never meets two "Familien X".
        surname = surnames[i % len(surnames)]
        families.append(
            Family(
                name=f"Familien {surname}",
                municipality_id=caseworker.organisation_id,
                caseworker=caseworker,
                created_by=caseworker,
                street_address=f"{rng.choice(_STREETS)} {rng.randint(1, 140)}",
                postal_code="2635" if caseworker.organisation.municipality_code == 183 else "2625",
                city="Ishøj" if caseworker.organisation.municipality_code == 183 else "Vallensbæk",
            )
        )
        people = [
            (MemberKind.CAREGIVER, _person(rng, _birth_date(rng, 22, 48), surname))
            for _ in range(rng.choice([1, 2, 2]))
        ]
        people += [
            (MemberKind.CHILD, _person(rng, _birth_date(rng, 0, 17), surname))
            for _ in range(rng.randint(1, 4))
        ]
        _distinct_first_names(rng, [p for _, p in people])
        member_rows.append(people)
    Family.objects.bulk_create(families, batch_size=1000)

    members, courses = [], []
    used: set[str] = set(
        FamilyMember.objects.exclude(cpr_hash=None).values_list("cpr_hash", flat=True)
    )
    for family, people in zip(families, member_rows, strict=True):
        for kind, p in people:
            member = FamilyMember(
                family=family,
                kind=kind,
                first_name=p["first_name"],
                last_name=p["last_name"],
                birth_date=p["birth_date"],
                language=rng.choice(_LANGUAGES),
                relation=(
                    "barn" if kind == MemberKind.CHILD else ("mor" if p["female"] else "far")
                ),
            )
            member.interpreter_needed = member.language != "dansk" and rng.random() < 0.5
            member.set_cpr(p["cpr"])
            if member.cpr_hash in used:  # vanishingly rare; keep the unique key intact
                member.set_cpr(None)
            used.add(member.cpr_hash)
            members.append(member)
        if rng.random() < 0.35:
            start = today - dt.timedelta(days=rng.randint(7, 300))
            courses.append(
                Course(
                    family=family, provider=provider, status=CourseStatus.ACTIVE, start_date=start
                )
            )
    # The meetings demo (load_meetings) shows the first three courses at set points of their
    # schedule: a follow-up overdue, one due within 14 days, one held with the next planned.
    for course, start in zip(courses, _meeting_demo_starts(today), strict=False):
        course.start_date = start
    FamilyMember.objects.bulk_create(members, batch_size=2000)
    Course.objects.bulk_create(courses, batch_size=1000)
    plans = FamilyPlan.objects.bulk_create([FamilyPlan(course=c) for c in courses], batch_size=1000)
    PlanVersion.objects.bulk_create(
        [
            PlanVersion(
                plan=p,
                number=1,
                created_by=p.course.family.caseworker,
                summary="Planen er oprettet",
                snapshot=plan_snapshot(p),
            )
            for p in plans
        ],
        batch_size=1000,
    )
    TeamAssignment.objects.bulk_create(
        [
            TeamAssignment(
                course=c,
                user=users[name],
                role=role,
                hours_per_week=Decimal(hours),
                starts_on=c.start_date,
            )
            for c in courses[:40]
            for name, role, hours in (
                ("behandler", Role.BEHANDLER, "12"),
                ("paedagog", Role.PAEDAGOG, "15"),
            )
        ],
        batch_size=1000,
    )
    staff_on = {c.pk: [users["behandler"].pk, users["paedagog"].pk] for c in courses[:40]}
    _load_meeting_history(courses=courses[3:], staff_on=staff_on, today=today)
    load_plans(users=users, courses=courses[1:3])  # the first stays empty: a plan not begun
    load_meetings(users=users, courses=courses[:3])
    return start_index + count


def _meeting_demo_starts(today: dt.date) -> list[dt.date]:
    return [
        today - dt.timedelta(days=100),  # first follow-up 8–11 days overdue
        today - dt.timedelta(days=80),  # first follow-up due in 9–12 days
        add_months(today, -7),  # first follow-up held 4 months ago, the next in 2 months
    ]


def _load_meeting_history(
    *, courses: list[Course], staff_on: dict[int, list[int]], today: dt.date
) -> None:
    """The other courses' meetings, in bulk: the start meeting and every follow-up due before
    today held on the day, and the next follow-up open — as if the schedule had been kept."""
    meetings: list[PlanMeeting] = []

    def held(course: Course, kind: str, day: dt.date, agreed: str) -> PlanMeeting:
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(15)))
        return PlanMeeting(
            course=course,
            kind=kind,
            due_on=day,
            held_on=day,
            agreed=agreed,
            recorded_by_id=course.family.caseworker_id,
            recorded_at=at,
            created_at=at,
        )

    for course in courses:
        meetings.append(
            held(
                course,
                MeetingKind.START,
                course.start_date,
                "Vi arbejder med de punkter i barnets plan, som står i familiehandleplanen.",
            )
        )
        due = first_follow_up_due(course.start_date)
        while due < today:
            meetings.append(
                held(course, MeetingKind.FOLLOW_UP, due, "Forløbet fortsætter som aftalt.")
            )
            due = next_follow_up_due(due, course.follow_up_months)
        meetings.append(PlanMeeting(course=course, kind=MeetingKind.FOLLOW_UP, due_on=due))
    PlanMeeting.objects.bulk_create(meetings, batch_size=1000)
    through = PlanMeeting.staff_participants.through
    through.objects.bulk_create(
        [
            through(planmeeting_id=meeting.pk, user_id=user_id)
            for meeting in meetings
            if meeting.held_on is not None
            for user_id in {
                meeting.course.family.caseworker_id,
                *staff_on.get(meeting.course_id, []),
            }
        ],
        batch_size=2000,
    )


def load_meetings(*, users: dict[str, User], courses: list[Course]) -> None:
    """Start and follow-up meetings written through the meeting services, at three points
    of the schedule (the courses' start dates are set in ``load_families``): the first course
    has its first follow-up overdue, the second has it due within 14 days, and the third has held
    its start meeting and first follow-up (participants, what was agreed, a revised goal, the
    family's words) with the next follow-up planned."""
    behandler, paedagog = users["behandler"], users["paedagog"]
    for stage, course in enumerate(courses):
        caseworker = course.family.caseworker
        start, first = meetings_schedule_initial(by=caseworker, course=course)
        family = list(course.family.members.order_by("kind", "birth_date"))
        parents = [m.pk for m in family if m.kind == MemberKind.CAREGIVER]
        meeting_record(
            by=caseworker,
            meeting=start,
            data={
                "held_on": course.start_date + dt.timedelta(days=2),
                "staff_participants": [caseworker, behandler, paedagog],
                "family_participants": parents,
                "agreed": "Vi arbejder først med morgenerne og med, at børnene kommer i skole. "
                "Pædagogen kommer tre morgener om ugen. Vi laver et netværkskort.",
                "family_perspective": "Vi er spændte, men også lidt bange for, hvad I ser.",
            },
        )
        if stage < 2:
            continue
        goals = list(Goal.objects.filter(plan__course=course).order_by("order", "pk"))
        meeting_record(
            by=behandler,
            meeting=first,
            data={
                "held_on": first.due_on + dt.timedelta(days=2),
                "staff_participants": [caseworker, behandler],
                "family_participants": [m.pk for m in family],
                "other_participants": "Klasselærer Mette, Strandgårdskolen",
                "agreed": "Morgenerne går bedre. Vi fortsætter med billedskemaet og aftaler "
                "et netværksmøde med skolen om fraværet.",
                "revised_goals": goals[-1:],
                "revision_note": "Skolemålet er delt i to: først at komme i skole hver dag, "
                "så at have en ven i frikvarteret.",
                "family_perspective": "Det er blevet roligere om morgenen. Vi vil gerne have, "
                "at skolen ringer til os først.",
            },
        )


def load_plans(*, users: dict[str, User], courses: list[Course]) -> None:
    """Plans at two further stages, written through the plan services as the demo behandler:
    one just begun (a family goal with two actions), one well under way (goals for a parent,
    a child and the family, professionals in the home, the family's own words, several
    versions in its history)."""
    behandler, paedagog = users["behandler"], users["paedagog"]
    for stage, course in enumerate(courses, start=1):
        plan = FamilyPlan.objects.get(course=course)
        family = course.family
        parent = family.members.filter(kind=MemberKind.CAREGIVER).first()
        child = family.members.filter(kind=MemberKind.CHILD).first()
        plan = goal_save(
            by=behandler,
            plan=plan,
            expected_version=plan.version,
            data={
                "owner": GoalOwner.FAMILY,
                "text": "Vi vil have morgener uden råben, hvor alle når ud ad døren.",
                "life_area": LifeArea.PARENTING,
            },
        )
        goal = plan.goals.get()
        for what, kind, who in (
            ("Billedskema til morgenen på køleskabet", ActionResponsible.PROFESSIONAL, paedagog),
            ("Lægge tøj frem aftenen før", ActionResponsible.FAMILY, parent),
        ):
            plan = action_save(
                by=behandler,
                plan=plan,
                expected_version=plan.version,
                goal=goal,
                data={
                    "what": what,
                    "responsible_kind": kind,
                    "responsible_user": who if kind == ActionResponsible.PROFESSIONAL else None,
                    "responsible_member": who if kind == ActionResponsible.FAMILY else None,
                },
            )
        if stage < 2 or parent is None or child is None:
            continue
        plan = goal_save(
            by=behandler,
            plan=plan,
            expected_version=plan.version,
            data={
                "owner": GoalOwner.PARENT,
                "member": parent,
                "life_area": LifeArea.WORK,
                "text": "Jeg vil i praktik igen, når morgenerne fungerer.",
                "source": GoalSource.JOB_PLAN,
                "source_note": "jobplan fra jobcentret",
            },
        )
        plan = goal_save(
            by=behandler,
            plan=plan,
            expected_version=plan.version,
            data={
                "owner": GoalOwner.CHILD,
                "member": child,
                "life_area": LifeArea.SCHOOL,
                "text": "Jeg vil komme i skole hver dag og have en ven i frikvarteret.",
                "source": GoalSource.CHILD_PLAN,
                "source_note": "barnets plan",
            },
        )
        plan = professional_save(
            by=behandler,
            plan=plan,
            expected_version=plan.version,
            data={
                "name": "Sundhedsplejersken",
                "role": "Sundhedsplejen, Ishøj Kommune",
                "why": "Følger den mindstes trivsel hver 14. dag.",
            },
        )
        plan = plan_perspective_save(
            by=behandler,
            plan=plan,
            expected_version=plan.version,
            text="Vi vil gerne have færre møder og mere ro derhjemme.",
        )
        _load_progress(users=users, course=course, plan=plan, parent=parent, child=child)


def _load_progress(
    *,
    users: dict[str, User],
    course: Course,
    plan: FamilyPlan,
    parent: FamilyMember,
    child: FamilyMember,
) -> None:
    """Reviews of the family goal, a safety plan, a network with a saved map and two dated
    Signs of Safety mappings, so the trends and the network map have something to show."""
    behandler = users["behandler"]
    today = timezone.localdate()
    goal = plan.goals.get(owner=GoalOwner.FAMILY)
    for weeks_ago, score, comment in (
        (8, 2, "Morgenerne er kaos."),
        (4, 4, "Billedskemaet hjælper."),
        (0, 6, "Tre gode morgener i denne uge."),
    ):
        plan = goal_review_save(
            by=behandler,
            plan=plan,
            expected_version=plan.version,
            goal=goal,
            reviewed_on=today - dt.timedelta(weeks=weeks_ago),
            score=score,
            comment=comment,
        )
    safety_plan_save(
        by=behandler,
        course=course,
        data={
            "adopted_on": today - dt.timedelta(weeks=5),
            "review_on": today + dt.timedelta(weeks=3),
            "everyday_rules": "Ingen råb om morgenen. Far tager en pause på altanen, hvis han "
            "bliver vred.",
            "network_roles": "Mormor ringer hver morgen kl. 7.15 og henter børnene om onsdagen.",
            "professional_checks": "Pædagogen kommer tre morgener om ugen; skolen giver besked "
            "ved fravær samme dag.",
            "if_broken": "Mor ringer til mormor, og børnene sover hos hende. Rådgiveren "
            "orienteres samme dag.",
            "family_perspective": "Vi vil have, at børnene kan være trygge derhjemme.",
        },
    )
    for name, kind, closeness, given, relation in (
        ("Mormor Inge", NetworkKind.RELATIVE, 5, "Henter børnene om onsdagen", "mormor"),
        ("Nabo Karen", NetworkKind.NEIGHBOUR, 3, "Kan passe børnene en aften", "nabo"),
        ("Fodboldtræner Ali", NetworkKind.LEISURE, 2, "Træning tirsdag og torsdag", "træner"),
        ("Klasselærer Mette", NetworkKind.SCHOOL, 3, "Daglig kontakt om fravær", "lærer"),
    ):
        network_member_save(
            by=behandler,
            course=course,
            data={
                "name": name,
                "kind": kind,
                "closeness": closeness,
                "support_given": given,
                "support_possible": "",
            },
            relations={child.pk: relation},
        )
    network_snapshot_take(
        by=behandler,
        course=course,
        taken_on=today - dt.timedelta(weeks=2),
        note="Netværkskort fra opstartsmødet",
    )
    for weeks_ago, scores in ((6, (3, 2, 4)), (1, (5, 4, 6))):
        safety_mapping_save(
            by=behandler,
            course=course,
            data={
                "mapped_on": today - dt.timedelta(weeks=weeks_ago),
                "harm": "Børnene har set voldsomme skænderier om morgenen.",
                "complicating_factors": "Mor sover dårligt; far arbejder på skiftehold.",
                "working_well": "Mormor henter børnene om onsdagen; mor tager imod hjælp.",
                "next_steps": "Netværksmøde med mormor og skolen.",
                "family_perspective": "Vi vil ikke råbe foran børnene.",
            },
            danger_statements=[
                (
                    "Rådgiveren og skolen er bekymrede for, at børnene bliver bange og ikke "
                    "kommer i skole, hvis morgenerne fortsat ender i råb.",
                    "Børnene møder i skole hver dag i tre måneder, og der er ingen råb om "
                    "morgenen.",
                )
            ],
            scores=[
                Score(respondent=ScalingRespondent.PARENT, score=scores[0], member=parent),
                Score(
                    respondent=ScalingRespondent.RADGIVER,
                    score=scores[1],
                    user=course.family.caseworker,
                ),
                Score(respondent=ScalingRespondent.PRACTITIONER, score=scores[2], user=behandler),
            ],
        )
