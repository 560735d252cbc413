"""Benchmark: the evaluation report on a synthetic national-scale database (issue 7).

    python -m bench.report_national          # PostgreSQL database fb_bench_national
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/other python -m bench.report_national
    python -m bench.report_national --fresh  # drop the database and generate it again

Builds the database once (created if missing; reused when it is already populated): one
national provider serving 98 municipalities, 20,000 courses with their families, referrals,
decisions and matchings, teams, plans with goals and reviews, meetings, networks, schools and
attendance, safety plans, 1,000,000 visits (with staff, family members and activities),
2,000,000 FIT scores (ORS and SRS), measurements (WHO-5, PSS, SDQ) with their plan,
closures with the checks after them, and stories of change. Every name is made up
("Familien Bench123"); nothing comes from real people. The rows are streamed to files and
loaded with PostgreSQL's COPY (``cursor.copy()``), which takes minutes, not hours; the
demo-data generator (``demo_load``) makes rows through the services and is far too slow for
this size.

Then, in a fresh process (so that its peak memory is the report's, not the generator's), it
builds the evaluation report for all the provider's municipalities over the last two whole
years through ``reporting.runner.run_build``, and prints:

* the total time of the build (figures, charts, PDF, storing the file);
* the floor: the time of the bare SQL the figures need — the queries the report's figures
  issue, captured with ``CaptureQueriesContext`` during a figures-only pass
  (``reporting.evaluation.report_context``) and replayed one by one on a cursor — and the
  ratio total / floor;
* peak memory: ``tracemalloc``'s peak over a second build, and the process's maximum
  resident set (``resource.getrusage``);
* the PDF's page count (``pdfinfo`` from poppler-utils).

Aim: total ≤ 60 s, ≤ 2 × the floor, ≤ 500 MB. Not a test: figures to compare over time.
"""

import argparse
import bisect
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familieberedskab.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fb_bench_national")
# The report's file goes to a scratch directory, never into the checkout's private-media.
os.environ.setdefault(
    "PRIVATE_MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "fb-bench-national-media")
)

PROVIDER_NAME = "Familieberedskabet Danmark (benchmark)"
PROJEKTLEDER = "bench.projektleder"
TZ_NAME = "Europe/Copenhagen"
# The order the tables are loaded in (foreign keys point backwards), with their columns.
TABLES: dict[str, str] = {
    "staffing_organisation": "id, name, kind, municipality_code, is_active",
    "staffing_organisation_serves": "id, from_organisation_id, to_organisation_id",
    "staffing_user": (
        "id, password, last_login, is_superuser, username, full_name, email, is_active, "
        "date_joined, organisation_id"
    ),
    "staffing_userrole": "id, role, user_id",
    "visitation_programmecapacity": "id, families, updated_at, provider_id",
    "visitation_visitationmeeting": "id, date, created_at, created_by_id, provider_id",
    "cases_family": (
        "id, name, street_address, postal_code, city, created_at, updated_at, caseworker_id, "
        "created_by_id, municipality_id"
    ),
    "cases_familymember": (
        "id, kind, first_name, last_name, birth_date, relation, language, interpreter_needed, "
        "cpr_encrypted, cpr_hash, family_id"
    ),
    "visitation_referral": (
        "id, status, concern, target_group, tried_before, investigation_date, "
        "investigation_done, child_plan_date, concern_source, concern_source_note, "
        "consent_given, child_views_heard, is_acute, pregnancy, requested_start, waiting_rank, "
        "waiting_rank_reason, created_at, updated_at, submitted_at, decided_at, "
        "team_assigned_at, course_started_at, withdrawn_at, family_id, provider_id, "
        "referred_by_id"
    ),
    "visitation_referralchild": "id, level, member_id, referral_id",
    "visitation_decision": (
        "id, route, kind, granted_hours, start_date, first_follow_up, priority, reason, "
        "signed_at, replaces_id, signed_by_id, referral_id, meeting_id"
    ),
    "visitation_acuteapproval": "id, side, approved_at, approver_id, decision_id",
    "cases_course": (
        "id, status, start_date, end_date, created_at, provider_id, family_id, first_follow_up, "
        "granted_hours, start_meeting_date, follow_up_months"
    ),
    "visitation_matching": (
        "id, reason, decided_at, over_capacity, course_id, decided_by_id, referral_id"
    ),
    "cases_teamassignment": "id, role, hours_per_week, starts_on, ends_on, course_id, user_id",
    "cases_intensitychange": (
        "id, effective_on, hours_per_week, previous_hours, reason, created_at, course_id, "
        "created_by_id"
    ),
    "cases_familyplan": "id, family_perspective, version, updated_at, course_id, updated_by_id",
    "cases_goal": (
        'id, owner, text, life_area, source, source_note, status, family_comment, "order", '
        "created_at, member_id, plan_id"
    ),
    "cases_goalreview": (
        "id, reviewed_on, score, comment, created_at, created_by_id, goal_id, family_comment"
    ),
    "cases_planmeeting": (
        "id, kind, due_on, held_on, other_participants, agreed, revision_note, "
        "family_perspective, plan_version, reschedule_reason, recorded_at, created_at, "
        "course_id, recorded_by_id"
    ),
    "cases_networkmember": (
        "id, name, kind, support_given, support_possible, closeness, is_active, created_at, "
        "family_id"
    ),
    "cases_networksnapshot": (
        "id, taken_on, note, data, created_at, created_by_id, family_id, family_perspective"
    ),
    "cases_networkmeeting": (
        "id, held_on, notes, created_at, course_id, created_by_id, family_perspective"
    ),
    "cases_institution": (
        "id, kind, name, contact_person, contact_details, starts_on, ends_on, child_id"
    ),
    "cases_institutioncontact": (
        "id, contacted_on, kind, note, course_id, created_by_id, institution_id"
    ),
    "cases_attendanceperiod": (
        "id, period_start, period_end, unit, possible, absent, unlawful, created_by_id, "
        "institution_id"
    ),
    "cases_safetymapping": (
        "id, mapped_on, harm, complicating_factors, working_well, next_steps, "
        "family_perspective, created_at, course_id, created_by_id"
    ),
    "cases_safetyplan": (
        "id, adopted_on, review_on, everyday_rules, network_roles, professional_checks, "
        "if_broken, family_perspective, created_at, course_id, created_by_id"
    ),
    "cases_visit": (
        "id, starts_at, ends_at, place, other_participants, note, minutes, evening_minutes, "
        "early_minutes, weekend_minutes, flexible_minutes, version, created_at, updated_at, "
        "author_id, course_id"
    ),
    "cases_visit_staff_participants": "id, visit_id, user_id",
    "cases_visit_family_participants": "id, visit_id, familymember_id",
    "cases_visit_activities": "id, visit_id, activitytype_id",
    "cases_fitscore": (
        "id, scale, version, age_years, rater, rater_description, item1, item2, item3, item4, "
        "total, client_id, rater_member_id, visit_id"
    ),
    "cases_measurement": (
        "id, occasion, informant_description, measured_on, age_years, answers, scores, "
        "created_at, course_id, created_by_id, informant_member_id, instrument_id, subject_id, "
        "norm_set_id"
    ),
    "cases_measurementdue": (
        "id, occasion, due_on, waived_reason, course_id, instrument_id, measurement_id, "
        "meeting_id, subject_id, waived_by_id"
    ),
    "cases_closure": (
        "id, closed_on, reason, reason_note, destination, summary, family_perspective, "
        "created_at, reopened_at, reopen_reason, closed_by_id, course_id, reopened_by_id"
    ),
    "cases_closurecriterion": "id, criterion, status, comment, closure_id",
    "cases_childatclosure": "id, lives_at_home, note, child_id, closure_id",
    "cases_postclosurecheck": (
        "id, months_after, due_on, checked_on, lives_at_home, note, checked_by_id, child_id, "
        "closure_id"
    ),
    "cases_changestory": (
        "id, teller_description, told_on, domain, title, story, why_significant, "
        "consent_to_use, created_at, course_id, created_by_id, teller_member_id"
    ),
}

N = "\\N"  # NULL in COPY's text format
FIRST_NAMES = ["Ane", "Bo", "Cecilie", "Dan", "Emma", "Frederik", "Gry", "Henrik", "Ida", "Jonas"]
CHILD_NAMES = ["Alma", "Carl", "Ella", "Karl", "Liva", "Malthe", "Nora", "Oscar", "Sofie", "Viggo"]
TARGET_GROUPS = ["massive", "massive", "massive", "acute", "unclear"]
PLACES = ["home"] * 6 + ["workshop", "school", "outdoors", "jobcenter", "remote"]
# Local start hours: mornings, school hours, afternoons and evenings, as the teams work.
START_HOURS = [6, 7, 7, 8, 9, 10, 13, 14, 15, 16, 17, 18, 19, 20]
DURATIONS = [60, 90, 90, 120, 120, 150, 180, 240]
LIFE_AREAS = ["parenting", "child", "school", "work", "housing", "economy", "health", "network"]
CLOSURE_REASONS = [
    ("goals_reached", "ordinary_treatment"),
    ("goals_reached", "nothing"),
    ("stepped_down", "ordinary_treatment"),
    ("stepped_down", "other_support"),
    ("placement", "placement"),
    ("moved", "nothing"),
    ("withdrew", "nothing"),
]
CRITERIA = ["goals", "children_thrive", "parenting", "no_worry", "measures", "network"]
DOMAINS = ["child", "parenting", "daily_life", "relations", "network", "school", "work"]


def _d(day: dt.date | None) -> str:
    return N if day is None else day.isoformat()


def _t(moment: dt.datetime | None) -> str:
    """A local wall-clock time: the COPY session runs in Europe/Copenhagen."""
    return N if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S")


def _b(value: bool | None) -> str:
    return N if value is None else ("t" if value else "f")


def _j(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\\", "\\\\")


class Sink:
    """One TSV file per table (COPY's text format), ids counted per table."""

    def __init__(self, directory: Path, start_ids: dict[str, int]) -> None:
        self.directory = directory
        self.files = {t: (directory / f"{t}.tsv").open("w", encoding="utf-8") for t in TABLES}
        self.next_id = {t: start_ids.get(t, 0) + 1 for t in TABLES}
        self.rows = dict.fromkeys(TABLES, 0)

    def add(self, table: str, *values: object) -> int:
        pk = self.next_id[table]
        self.next_id[table] = pk + 1
        self.rows[table] += 1
        self.files[table].write(f"{pk}\t" + "\t".join(map(str, values)) + "\n")
        return pk

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()


@dataclass
class Staff:
    projektleder: int = 0
    leaders: list[int] = field(default_factory=list)
    behandlere: list[int] = field(default_factory=list)
    paedagoger: list[int] = field(default_factory=list)
    radgivere: dict[int, list[int]] = field(default_factory=dict)
    authority_leaders: dict[int, int] = field(default_factory=dict)


class Generator:
    """The synthetic world, written table by table into a Sink in one pass over families."""

    def __init__(self, sink: Sink, rng: random.Random, args: argparse.Namespace) -> None:
        from django.utils import timezone

        self.out = sink
        self.rng = rng
        self.args = args
        self.today = timezone.localdate()
        self.period_start, self.period_end = report_period(self.today)
        self.first_start = self.period_start - dt.timedelta(days=240)
        self.staff = Staff()
        self.municipalities: list[int] = []
        self.weights: list[float] = []
        self.meetings: list[tuple[dt.date, int]] = []
        self.split_cache: dict[tuple[int, int, int], tuple[int, int, int, int, int]] = {}
        self.tz = None
        self.instruments: dict[str, dict] = {}
        self.answer_pool: dict[str, list[tuple[str, str]]] = {}

    # The organisations and people ----------------------------------------------------------

    def organisations(self, now: dt.datetime) -> int:
        out = self.out
        provider = out.add("staffing_organisation", PROVIDER_NAME, "provider", N, "t")
        for i in range(self.args.municipalities):
            pk = out.add(
                "staffing_organisation",
                f"Benchkommune {i + 1:03d}",
                "municipality",
                101 + 7 * i,
                "t",
            )
            self.municipalities.append(pk)
            # A few big municipalities, many small: as in Denmark.
            self.weights.append(1.0 / (1 + i % 20) + (3.0 if i < 4 else 0.0))
            out.add("staffing_organisation_serves", provider, pk)
        out.add("visitation_programmecapacity", 8000, _t(now), provider)
        return provider

    def user(self, username: str, name: str, organisation: int, roles: list[str], now) -> int:
        pk = self.out.add(
            "staffing_user", "!", N, "f", username, name, "", "t", _t(now), organisation
        )
        for role in roles:
            self.out.add("staffing_userrole", role, pk)
        return pk

    def people(self, provider: int, now: dt.datetime) -> None:
        s = self.staff
        s.projektleder = self.user(
            PROJEKTLEDER, "Projektleder Bench", provider, ["projektleder"], now
        )
        s.leaders = [
            self.user(f"bench.leder{i}", f"Leder {i}", provider, ["leder"], now) for i in range(20)
        ]
        s.behandlere = [
            self.user(f"bench.behandler{i}", f"Behandler {i}", provider, ["behandler"], now)
            for i in range(350)
        ]
        s.paedagoger = [
            self.user(f"bench.paedagog{i}", f"Pædagog {i}", provider, ["paedagog"], now)
            for i in range(250)
        ]
        for m in self.municipalities:
            s.radgivere[m] = [
                self.user(f"bench.radgiver{m}.{j}", f"Rådgiver {m}.{j}", m, ["radgiver"], now)
                for j in range(2)
            ]
            s.authority_leaders[m] = self.user(
                f"bench.socialleder{m}", f"Socialleder {m}", m, ["leder"], now
            )

    def committee_meetings(self, provider: int) -> None:
        day = self.first_start - dt.timedelta(days=120)
        while day <= self.today:
            at = dt.datetime.combine(day, dt.time(9))
            pk = self.out.add(
                "visitation_visitationmeeting", _d(day), _t(at), self.staff.leaders[0], provider
            )
            self.meetings.append((day, pk))
            day += dt.timedelta(days=7)

    def meeting_on_or_after(self, day: dt.date) -> tuple[dt.date, int]:
        i = bisect.bisect_left(self.meetings, (day, 0))
        return self.meetings[min(i, len(self.meetings) - 1)]

    # Instruments ---------------------------------------------------------------------------

    def load_instruments(self, rows: list[tuple[int, str, str, dict]]) -> None:
        from cases import instruments

        for pk, code, scoring, definition in rows:
            self.instruments[code] = {"pk": pk, "scoring": scoring, "definition": definition}
            items = instruments.items_of(definition)
            pool = []
            for level in range(60):  # low answers first, high (better) answers last
                answers = {}
                for item in items:
                    allowed = sorted(instruments.allowed_answers(definition, item))
                    position = min(
                        len(allowed) - 1, int(level / 60 * len(allowed) + self.rng.random())
                    )
                    answers[item] = allowed[position]
                scored = instruments.score(scoring, definition, answers).as_json()
                scored["bands"] = {}
                pool.append((_j({str(k): v for k, v in answers.items()}), _j(scored)))
            self.answer_pool[code] = pool

    # Families and their courses -----------------------------------------------------------

    def family(self, n: int, municipality: int, created: dt.date) -> tuple[int, list, list]:
        rng, out = self.rng, self.out
        radgiver = rng.choice(self.staff.radgivere[municipality])
        at = _t(dt.datetime.combine(created, dt.time(10)))
        family = out.add(
            "cases_family",
            f"Familien Bench{n}",
            "",
            "",
            "",
            at,
            at,
            radgiver,
            radgiver,
            municipality,
        )
        caregivers, children = [], []
        for i in range(1 if rng.random() < 0.35 else 2):
            born = dt.date(1975 + rng.randrange(24), 1 + rng.randrange(12), 1 + rng.randrange(28))
            pk = out.add(
                "cases_familymember",
                "caregiver",
                FIRST_NAMES[(n + i) % 10],
                f"Bench{n}",
                _d(born),
                "mor" if i == 0 else "far",
                "dansk",
                "f",
                "",
                N,
                family,
            )
            caregivers.append((pk, born))
        for i in range(1 + int(rng.random() * 2.4)):
            age_days = rng.randrange(60, 17 * 365)
            born = created - dt.timedelta(days=age_days)
            pk = out.add(
                "cases_familymember",
                "child",
                CHILD_NAMES[(n + i) % 10],
                f"Bench{n}",
                _d(born),
                "barn",
                "dansk",
                "f",
                "",
                N,
                family,
            )
            children.append((pk, born))
        return family, caregivers, children

    def referral(
        self,
        family: int,
        provider: int,
        municipality: int,
        submitted: dt.datetime,
        *,
        status: str,
        acute: bool,
        decided=None,
        assigned=None,
        started=None,
        withdrawn=None,
        children=(),
    ) -> int:
        rng = self.rng
        radgiver = self.staff.radgivere[municipality][0]
        pk = self.out.add(
            "visitation_referral",
            status,
            "Hverdagen er brudt sammen.",
            "acute" if acute else rng.choice(TARGET_GROUPS),
            "Almindelig familiebehandling.",
            _d(submitted.date() - dt.timedelta(days=30)),
            "t",
            N,
            "radgiver",
            "",
            "t",
            "t",
            _b(acute),
            _b(rng.random() < 0.03),
            N,
            N,
            "",
            _t(submitted),
            _t(submitted),
            _t(submitted),
            _t(decided),
            _t(assigned),
            _t(started),
            _t(withdrawn),
            family,
            provider,
            radgiver,
        )
        for child, _born in children:
            self.out.add("visitation_referralchild", 2 + rng.randrange(4), child, pk)
        return pk

    def decision(
        self,
        referral: int,
        kind: str,
        decided: dt.datetime,
        *,
        acute: bool,
        municipality: int,
        hours: float | None = None,
        start: dt.date | None = None,
        priority: int | None = None,
        reason: str = "",
    ) -> int:
        leader = self.rng.choice(self.staff.leaders)
        meeting = N
        if not acute:
            _when, meeting = self.meeting_on_or_after(decided.date() - dt.timedelta(days=6))
        follow = start + dt.timedelta(days=91) if start else None
        pk = self.out.add(
            "visitation_decision",
            "acute" if acute else "committee",
            kind,
            N if hours is None else f"{hours:.1f}",
            _d(start),
            _d(follow),
            N if priority is None else priority,
            reason,
            _t(decided),
            N,
            leader,
            referral,
            meeting,
        )
        if acute:
            self.out.add("visitation_acuteapproval", "provider", _t(decided), leader, pk)
            self.out.add(
                "visitation_acuteapproval",
                "authority",
                _t(decided),
                self.staff.authority_leaders[municipality],
                pk,
            )
        return pk

    def course(self, n: int, provider: int, start: dt.date, length: int, visits_wanted: int):
        rng, out, s = self.rng, self.out, self.staff
        municipality = rng.choices(self.municipalities, self.weights)[0]
        end = start + dt.timedelta(days=length)
        closed = end < self.today - dt.timedelta(days=3)
        last_day = end if closed else self.today - dt.timedelta(days=1)
        acute = rng.random() < 0.1
        submitted_day = start - dt.timedelta(days=rng.randrange(4, 70 if not acute else 8))
        family, caregivers, children = self.family(n, municipality, submitted_day)
        submitted = dt.datetime.combine(submitted_day, dt.time(8 + rng.randrange(8)))
        decided = submitted + (
            dt.timedelta(hours=rng.randrange(2, 40))
            if acute
            else dt.timedelta(days=rng.randrange(1, 21))
        )
        assigned = min(
            decided + dt.timedelta(days=rng.randrange(0, 10)),
            dt.datetime.combine(start, dt.time(8)),
        )
        started = dt.datetime.combine(start, dt.time(9))
        referral = self.referral(
            family,
            provider,
            municipality,
            submitted,
            status="decided",
            acute=acute,
            decided=decided,
            assigned=assigned,
            started=started,
            children=children,
        )
        hours = rng.choice([10, 15, 15, 20, 20, 20, 25, 30])
        self.decision(
            referral,
            "familieberedskab",
            decided,
            acute=acute,
            municipality=municipality,
            hours=hours,
            start=start,
        )
        course = out.add(
            "cases_course",
            "closed" if closed else "active",
            _d(start),
            _d(end if closed else None),
            _t(started),
            provider,
            family,
            _d(start + dt.timedelta(days=91)),
            f"{hours:.1f}",
            _d(start + dt.timedelta(days=7)),
            6,
        )
        leader = rng.choice(s.leaders)
        out.add(
            "visitation_matching",
            "Kompetencer og ledige timer passer.",
            _t(assigned),
            "f",
            course,
            leader,
            referral,
        )
        behandler, paedagog = rng.choice(s.behandlere), rng.choice(s.paedagoger)
        team = [behandler, paedagog]
        ends = _d(end if closed else None)
        out.add("cases_teamassignment", "behandler", "12.0", _d(start), ends, course, behandler)
        out.add("cases_teamassignment", "paedagog", "10.0", _d(start), ends, course, paedagog)
        if rng.random() < 0.3:
            on = start + dt.timedelta(days=rng.randrange(30, max(31, length - 10)))
            new = max(5, hours + rng.choice([-10, -5, 5]))
            out.add(
                "cases_intensitychange",
                _d(on),
                f"{new:.1f}",
                f"{hours:.1f}",
                "Behovet har ændret sig.",
                _t(dt.datetime.combine(on, dt.time(12))),
                course,
                leader,
            )

        self.plan(course, start, last_day, caregivers, children, team)
        meetings = self.plan_meetings(course, start, last_day, closed, team)
        self.network(family, course, start, last_day, team)
        self.schools(course, start, last_day, children, team)
        if rng.random() < 0.6:
            on = start + dt.timedelta(days=rng.randrange(3, 40))
            if on <= last_day:
                out.add(
                    "cases_safetymapping",
                    _d(on),
                    "Bekymring for vold.",
                    "Travl hverdag.",
                    "Mor søger hjælp.",
                    "Netværket inddrages.",
                    "Vi vil gerne have ro." if rng.random() < 0.5 else "",
                    _t(dt.datetime.combine(on, dt.time(14))),
                    course,
                    behandler,
                )
        if rng.random() < 0.4:
            on = start + dt.timedelta(days=rng.randrange(5, 50))
            if on <= last_day:
                out.add(
                    "cases_safetyplan",
                    _d(on),
                    _d(on + dt.timedelta(days=30)),
                    "Regler.",
                    "Mormor henter.",
                    "Ugentligt tjek.",
                    "Rådgiveren kontaktes.",
                    "",
                    _t(dt.datetime.combine(on, dt.time(15))),
                    course,
                    behandler,
                )
        self.visits(course, start, last_day, visits_wanted, team, caregivers, children)
        self.measurements(course, start, last_day, closed, caregivers, children, team, meetings)
        if closed:
            self.closure(course, end, children, team)
        if rng.random() < 0.25:
            on = start + dt.timedelta(days=rng.randrange(20, max(21, (last_day - start).days)))
            out.add(
                "cases_changestory",
                "",
                _d(min(on, last_day)),
                rng.choice(DOMAINS),
                "Morgenerne fungerer",
                "Vi kommer i skole til tiden nu.",
                "Det viser, at rutinerne holder.",
                _b(rng.random() < 0.7),
                _t(dt.datetime.combine(min(on, last_day), dt.time(16))),
                course,
                behandler,
                caregivers[0][0],
            )

    def plan(self, course, start, last_day, caregivers, children, team) -> None:
        rng, out = self.rng, self.out
        updated = _t(dt.datetime.combine(min(start + dt.timedelta(days=30), last_day), dt.time(11)))
        plan = out.add(
            "cases_familyplan",
            "Vi vil have en rolig hverdag." if rng.random() < 0.6 else "",
            3,
            updated,
            course,
            team[0],
        )
        owners = [("parent", caregivers[0][0]), ("child", children[0][0]), ("family", None)]
        for order, (owner, member) in enumerate(owners):
            made = start + dt.timedelta(days=rng.randrange(2, 45))
            goal = out.add(
                "cases_goal",
                owner,
                "Morgenerne skal fungere.",
                rng.choice(LIFE_AREAS),
                "family",
                "",
                rng.choice(["active", "active", "reached"]),
                "Det er vigtigt for os." if rng.random() < 0.5 else "",
                order,
                _t(dt.datetime.combine(made, dt.time(10))),
                N if member is None else member,
                plan,
            )
            review = made + dt.timedelta(days=30)
            score = rng.randrange(1, 5)
            while review <= last_day and score <= 10:
                out.add(
                    "cases_goalreview",
                    _d(review),
                    score,
                    "",
                    _t(dt.datetime.combine(review, dt.time(13))),
                    team[0],
                    goal,
                    "Bedre nu." if rng.random() < 0.3 else "",
                )
                review += dt.timedelta(days=60)
                score += rng.randrange(0, 3)

    def plan_meetings(self, course, start, last_day, closed, team) -> list[tuple[int, dt.date]]:
        rng, out = self.rng, self.out
        made = []
        held = start + dt.timedelta(days=rng.randrange(3, 12))
        at = _t(dt.datetime.combine(min(held, last_day), dt.time(12)))
        if held <= last_day:
            pk = out.add(
                "cases_planmeeting",
                "start",
                _d(start + dt.timedelta(days=7)),
                _d(held),
                "",
                "Aftaler om hverdagen.",
                "",
                "Godt at komme i gang." if rng.random() < 0.5 else "",
                1,
                "",
                at,
                at,
                course,
                team[0],
            )
        else:
            pk = out.add(
                "cases_planmeeting",
                "start",
                _d(start + dt.timedelta(days=7)),
                N,
                "",
                "",
                "",
                "",
                N,
                "",
                N,
                at,
                course,
                N,
            )
        made.append((pk, start + dt.timedelta(days=7)))
        due = start + dt.timedelta(days=91)
        while True:
            if due > last_day:
                if not closed:  # the one open follow-up of an active course
                    pk = out.add(
                        "cases_planmeeting",
                        "follow_up",
                        _d(due),
                        N,
                        "",
                        "",
                        "",
                        "",
                        N,
                        "",
                        N,
                        at,
                        course,
                        N,
                    )
                    made.append((pk, due))
                break
            if not closed and rng.random() < 0.1:  # overdue, not held yet
                pk = out.add(
                    "cases_planmeeting",
                    "follow_up",
                    _d(due),
                    N,
                    "",
                    "",
                    "",
                    "",
                    N,
                    "",
                    N,
                    at,
                    course,
                    N,
                )
                made.append((pk, due))
                break
            held = min(due + dt.timedelta(days=rng.randrange(-10, 15)), last_day)
            when = _t(dt.datetime.combine(held, dt.time(12)))
            pk = out.add(
                "cases_planmeeting",
                "follow_up",
                _d(due),
                _d(held),
                "Rådgiver og skole",
                "Planen justeres.",
                "",
                "Det går bedre." if rng.random() < 0.5 else "",
                2,
                "",
                when,
                when,
                course,
                team[0],
            )
            made.append((pk, due))
            due = held + dt.timedelta(days=182)
        return made

    def network(self, family, course, start, last_day, team) -> None:
        rng, out = self.rng, self.out
        for i in range(3):
            out.add(
                "cases_networkmember",
                f"Netværksperson {i + 1}",
                rng.choice(["relative", "friend", "neighbour", "school"]),
                "Henter børn.",
                "Kan passe børn.",
                1 + rng.randrange(5),
                "t",
                _t(dt.datetime.combine(start, dt.time(13))),
                family,
            )
        day = start + dt.timedelta(days=rng.randrange(5, 30))
        for _ in range(1 + int(rng.random() * 2.6)):
            if day > last_day:
                break
            out.add(
                "cases_networksnapshot",
                _d(day),
                "",
                '{"members":[]}',
                _t(dt.datetime.combine(day, dt.time(14))),
                team[0],
                family,
                "",
            )
            day += dt.timedelta(days=rng.randrange(60, 150))
        for _ in range(int(rng.random() * 2.5)):
            day = start + dt.timedelta(days=rng.randrange(10, 120))
            if day <= last_day:
                out.add(
                    "cases_networkmeeting",
                    _d(day),
                    "Mormor og naboen var med.",
                    _t(dt.datetime.combine(day, dt.time(17))),
                    course,
                    team[0],
                    "",
                )

    def schools(self, course, start, last_day, children, team) -> None:
        rng, out = self.rng, self.out
        for child, born in children:
            age = (start - born).days // 365
            if age < 1:
                continue
            kind = "school" if age >= 6 else "daycare"
            institution = out.add(
                "cases_institution",
                kind,
                f"{'Skole' if kind == 'school' else 'Børnehus'} {rng.randrange(500)}",
                "",
                "",
                N,
                N,
                child,
            )
            for _ in range(int(rng.random() * 3)):
                day = start + dt.timedelta(days=rng.randrange(5, 90))
                if day <= last_day:
                    out.add(
                        "cases_institutioncontact",
                        _d(day),
                        rng.choice(["meeting", "phone", "bridge"]),
                        "",
                        course,
                        team[1],
                        institution,
                    )
            if kind == "school":
                first = start - dt.timedelta(days=60)
                absent = rng.randrange(5, 25)
                for period_start, absent_days in (
                    (first, absent),
                    (last_day - dt.timedelta(days=60), max(0, absent - rng.randrange(0, 12))),
                ):
                    out.add(
                        "cases_attendanceperiod",
                        _d(period_start),
                        _d(period_start + dt.timedelta(days=59)),
                        "days",
                        40,
                        absent_days,
                        min(absent_days, rng.randrange(0, 6)),
                        team[1],
                        institution,
                    )

    def split(self, local: dt.datetime, minutes: int) -> tuple[int, int, int, int, int]:
        from cases import visit_time

        key = (local.weekday(), local.hour * 60 + local.minute, minutes)
        got = self.split_cache.get(key)
        if got is None:
            # A week in June (no change of summer time) with the same weekday.
            base = dt.date(2025, 6, 2) + dt.timedelta(days=local.weekday())
            start = dt.datetime.combine(base, local.time(), tzinfo=self.tz)
            parts = visit_time.split(start, start + dt.timedelta(minutes=minutes))
            got = (
                parts.minutes(parts.seconds),
                parts.minutes(parts.evening),
                parts.minutes(parts.early),
                parts.minutes(parts.weekend),
                parts.minutes(parts.flexible),
            )
            self.split_cache[key] = got
        return got

    def visits(self, course, start, last_day, wanted, team, caregivers, children) -> None:
        rng, out = self.rng, self.out
        days = (last_day - start).days + 1
        offsets = sorted(rng.randrange(days) for _ in range(wanted))
        members = [m for m, _ in caregivers] + [m for m, _ in children]
        ors_base = 14 + rng.random() * 10
        ors_slope = rng.random() * 0.25
        for k, offset in enumerate(offsets):
            day = start + dt.timedelta(days=offset)
            local = dt.datetime.combine(day, dt.time(rng.choice(START_HOURS), rng.choice((0, 30))))
            length = rng.choice(DURATIONS)
            minutes, evening, early, weekend, flexible = self.split(local, length)
            ends = local + dt.timedelta(minutes=length)
            author = team[k % 2]
            visit = out.add(
                "cases_visit",
                _t(local),
                _t(ends),
                rng.choice(PLACES),
                "",
                "",
                minutes,
                evening,
                early,
                weekend,
                flexible,
                1,
                _t(ends),
                _t(ends),
                author,
                course,
            )
            out.add("cases_visit_staff_participants", visit, author)
            if rng.random() < 0.35:
                out.add("cases_visit_staff_participants", visit, team[(k + 1) % 2])
            client, born = caregivers[k % len(caregivers)]
            out.add("cases_visit_family_participants", visit, client)
            if rng.random() < 0.5:
                other = members[rng.randrange(len(members))]
                if other != client:
                    out.add("cases_visit_family_participants", visit, other)
            first = rng.randrange(1, 15)
            out.add("cases_visit_activities", visit, first)
            if rng.random() < 0.5:
                second = rng.randrange(1, 15)
                if second != first:
                    out.add("cases_visit_activities", visit, second)
            age = (day - born).days // 365
            ors = min(39.0, ors_base + ors_slope * k + rng.random() * 4 - 2)
            srs = min(40.0, 33 + rng.random() * 7)
            for scale, total in (("ors", ors), ("srs", srs)):
                tenths = [
                    max(0, min(100, int(total * 2.5 + rng.random() * 10 - 5))) for _ in range(4)
                ]
                out.add(
                    "cases_fitscore",
                    scale,
                    "adult",
                    age,
                    "self",
                    "",
                    *(f"{t / 10:.1f}" for t in tenths),
                    f"{sum(tenths) / 10:.1f}",
                    client,
                    N,
                    visit,
                )

    def measurements(self, course, start, last_day, closed, caregivers, children, team, meetings):
        rng, out = self.rng, self.out
        plans = []
        for caregiver, born in caregivers:
            plans.append(("who5", caregiver, born, N, ""))
        age = (start - children[0][1]).days // 365
        if 2 <= age <= 17:
            plans.append(("sdq_parent", children[0][0], children[0][1], caregivers[0][0], ""))
        if (start - caregivers[0][1]).days // 365 >= 15:
            plans.append(("pss", caregivers[0][0], caregivers[0][1], N, ""))
        occasions = [("baseline", start + dt.timedelta(days=rng.randrange(3, 20)))]
        if (last_day - start).days > 150:
            occasions.append(("follow_up", start + dt.timedelta(days=rng.randrange(85, 120))))
        if closed:
            occasions.append(("closure", last_day - dt.timedelta(days=rng.randrange(0, 10))))
        for code, subject, born, informant, _desc in plans:
            instrument = self.instruments.get(code)
            if instrument is None:
                continue
            pool = self.answer_pool[code]
            for i, (occasion, day) in enumerate(occasions):
                due = day + dt.timedelta(days=rng.randrange(0, 8))
                missing = rng.random() < 0.08
                measurement = N
                if not missing and day <= last_day:
                    level = min(59, max(0, rng.randrange(10, 35) + 12 * i))
                    answers, scores = pool[level]
                    measurement = out.add(
                        "cases_measurement",
                        occasion,
                        "",
                        _d(day),
                        max(0, (day - born).days // 365),
                        answers,
                        scores,
                        _t(dt.datetime.combine(day, dt.time(15))),
                        course,
                        team[0],
                        informant,
                        instrument["pk"],
                        subject,
                        N,
                    )
                waived = "Familien ønskede det ikke." if missing and rng.random() < 0.5 else ""
                out.add(
                    "cases_measurementdue",
                    occasion,
                    _d(due),
                    waived,
                    course,
                    instrument["pk"],
                    measurement,
                    N,
                    subject,
                    team[0] if waived else N,
                )

    def closure(self, course, end, children, team) -> None:
        rng, out = self.rng, self.out
        reason, destination = rng.choice(CLOSURE_REASONS)
        closure = out.add(
            "cases_closure",
            _d(end),
            reason,
            "",
            destination,
            "Familien har fået ro.",
            "Vi klarer det selv nu." if rng.random() < 0.6 else "",
            _t(dt.datetime.combine(end, dt.time(15))),
            N,
            "",
            team[0],
            course,
            N,
        )
        for criterion in CRITERIA:
            out.add(
                "cases_closurecriterion",
                criterion,
                rng.choice(["met", "met", "partly", "not_met"]),
                "",
                closure,
            )
        for child, _born in children:
            home = reason != "placement" and rng.random() < 0.95
            out.add("cases_childatclosure", _b(home), "", child, closure)
            for months in (3, 6, 12):
                due = end + dt.timedelta(days=round(months * 30.44))
                answered = due <= self.today and rng.random() < 0.85
                out.add(
                    "cases_postclosurecheck",
                    months,
                    _d(due),
                    _d(due if answered else None),
                    _b((home and rng.random() < 0.93) if answered else None),
                    "",
                    team[0] if answered else N,
                    child,
                    closure,
                )

    def other_referrals(self, n0: int, provider: int, count: int) -> None:
        """Families referred but without a course: on the waiting list, rejected, withdrawn,
        given other help, or waiting for a decision."""
        rng = self.rng
        for i in range(count):
            n = n0 + i
            municipality = rng.choices(self.municipalities, self.weights)[0]
            span = (self.today - self.first_start).days
            submitted_day = self.first_start + dt.timedelta(days=rng.randrange(span))
            family, _caregivers, children = self.family(n, municipality, submitted_day)
            submitted = dt.datetime.combine(submitted_day, dt.time(10))
            decided = submitted + dt.timedelta(days=rng.randrange(1, 20))
            kind = rng.choice(
                ["waiting_list", "rejected", "ordinary", "external", "withdrawn", "submitted"]
            )
            acute = rng.random() < 0.05
            if kind == "submitted":
                self.referral(
                    family,
                    provider,
                    municipality,
                    submitted,
                    status="submitted",
                    acute=acute,
                    children=children,
                )
            elif kind == "withdrawn":
                self.referral(
                    family,
                    provider,
                    municipality,
                    submitted,
                    status="withdrawn",
                    acute=False,
                    withdrawn=decided,
                    children=children,
                )
            else:
                referral = self.referral(
                    family,
                    provider,
                    municipality,
                    submitted,
                    status="decided",
                    acute=acute,
                    decided=decided,
                    children=children,
                )
                self.decision(
                    referral,
                    kind,
                    decided,
                    acute=acute,
                    municipality=municipality,
                    priority=rng.randrange(1, 4) if kind == "waiting_list" else None,
                    reason="Målgruppen passer ikke." if kind == "rejected" else "",
                )

    def plan_courses(self) -> list[tuple[dt.date, int, int]]:
        """Each course's start and length, and its visits: in proportion to the days it ran
        (up to yesterday), to exactly ``--visits`` in all (largest remainders)."""
        rng = self.rng
        span = (self.today - dt.timedelta(days=7) - self.first_start).days
        spans = []
        for _ in range(self.args.courses):
            start = self.first_start + dt.timedelta(days=rng.randrange(span))
            spans.append((start, rng.randrange(120, 366)))
        yesterday = self.today - dt.timedelta(days=1)
        days = [(min(s + dt.timedelta(days=n), yesterday) - s).days + 1 for s, n in spans]
        total = sum(days)
        shares = [self.args.visits * d / total for d in days]
        counts = [int(x) for x in shares]
        by_remainder = sorted(range(len(spans)), key=lambda i: counts[i] - shares[i])
        for i in by_remainder[: self.args.visits - sum(counts)]:
            counts[i] += 1
        return [(s, n, c) for (s, n), c in zip(spans, counts, strict=True)]

    def run(self, provider_started: dt.datetime) -> None:
        from cases import visit_time

        self.tz = visit_time.zone()
        provider = self.organisations(provider_started)
        self.people(provider, provider_started)
        self.committee_meetings(provider)
        started = time.perf_counter()
        plans = self.plan_courses()
        for n, (start, length, visits) in enumerate(plans):
            self.course(n, provider, start, length, visits)
            if n % 2000 == 1999:
                rate = (n + 1) / (time.perf_counter() - started)
                print(f"  courses: {n + 1:,}/{len(plans):,} ({rate:.0f}/s)", file=sys.stderr)
        self.other_referrals(len(plans), provider, len(plans) // 5)


def report_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last two whole years of months before ``today``."""
    end = today.replace(day=1) - dt.timedelta(days=1)
    start = dt.date(end.year - 2, end.month, 1) + dt.timedelta(days=31)
    return start.replace(day=1), end


# The database ------------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    """Create the benchmark database if it is missing (or, with --fresh, again)."""
    import psycopg
    from psycopg import sql

    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(url, dbname="postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(url, dbname="postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        print(f"dropped database {name}")


def populated() -> bool:
    from cases.models import Visit
    from staffing.models import Organisation

    return Organisation.objects.filter(name=PROVIDER_NAME).exists() and Visit.objects.exists()


def generate(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.utils import timezone

    from cases.models import Instrument

    with connection.cursor() as cursor:
        start_ids = {}
        for table in TABLES:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 - our names
            start_ids[table] = cursor.fetchone()[0]
    if any(start_ids[t] for t in ("cases_visit", "cases_course", "staffing_organisation")):
        sys.exit(
            "the database holds other data but not a complete benchmark world: "
            "run again with --fresh (drops it) or point DATABASE_URL at an empty database"
        )
    work = Path(tempfile.mkdtemp(prefix="fb-bench-national-"))
    try:
        t0 = time.perf_counter()
        sink = Sink(work, start_ids)
        gen = Generator(sink, random.Random(args.seed), args)
        gen.load_instruments(
            [
                (i.pk, i.code, i.scoring, i.definition)
                for i in Instrument.objects.filter(code__in=["who5", "pss", "sdq_parent"])
            ]
        )
        gen.run(timezone.localtime().replace(tzinfo=None) - dt.timedelta(days=1200))
        sink.close()
        t1 = time.perf_counter()
        size = sum(f.stat().st_size for f in work.iterdir()) / 1e6
        print(f"generated {sum(sink.rows.values()):,} rows ({size:.0f} MB) in {t1 - t0:.0f} s")
        load(work, sink)
        print(f"loaded with COPY in {time.perf_counter() - t1:.0f} s")
        for table, rows in sink.rows.items():
            if rows >= 50_000:
                print(f"  {table}: {rows:,}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def load(work: Path, sink: Sink) -> None:
    """COPY every file in table order, in one transaction; foreign keys are not checked row
    by row (``session_replication_role = replica``: the generator makes them consistent) and
    the sequences are moved past the ids used."""
    from django.db import connection, transaction

    with transaction.atomic():
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cursor:
            cursor.execute(f"SET LOCAL TIME ZONE '{TZ_NAME}'")
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table, columns in TABLES.items():
                started = time.perf_counter()
                with (
                    (work / f"{table}.tsv").open("r", encoding="utf-8") as source,
                    cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
                ):
                    while chunk := source.read(1 << 20):
                        copy.write(chunk)
                if sink.rows[table] >= 200_000:
                    print(
                        f"  COPY {table}: {sink.rows[table]:,} rows in "
                        f"{time.perf_counter() - started:.0f} s",
                        file=sys.stderr,
                    )
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"greatest((SELECT max(id) FROM {table}), 1))"
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# The measurement ---------------------------------------------------------------------------


def page_count(pdf: bytes) -> int | None:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(  # noqa: S603 - poppler's pdfinfo on our own file
            [pdfinfo, handle.name], capture_output=True, text=True, check=True
        ).stdout
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def new_run():
    from django.utils import timezone

    from reporting.models import ReportRun
    from staffing.models import Organisation, User

    provider = Organisation.objects.get(name=PROVIDER_NAME)
    by = User.objects.get(username=PROJEKTLEDER)
    start, end = report_period(timezone.localdate())
    run = ReportRun.objects.create(
        kind="evaluation", period_start=start, period_end=end, requested_by=by
    )
    run.municipalities.set(provider.serves.all())
    return run


def replay(queries: list[dict]) -> tuple[float, int]:
    """Execute the captured SQL again, one statement at a time, and time it (fetching every
    row, as the report does)."""
    from django.db import connection

    total = 0.0
    replayed = 0
    with connection.cursor() as cursor:
        for query in queries:
            text = query["sql"]
            if not text.lstrip().upper().startswith(("SELECT", "WITH")):
                continue  # the run's own bookkeeping, not the figures
            started = time.perf_counter()
            cursor.execute(text)
            cursor.fetchall()
            total += time.perf_counter() - started
            replayed += 1
    return total, replayed


def measure(args: argparse.Namespace) -> None:
    import logging
    import tracemalloc

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting import evaluation, figures, runner
    from reporting.models import ReportRun

    for noisy in ("weasyprint", "fontTools"):  # a log line per page otherwise
        logging.getLogger(noisy).setLevel(logging.WARNING)
    load_before = os.getloadavg()
    run = new_run()
    municipalities = run.municipalities.count()
    courses = figures.run_courses(run).count()
    print(
        f"report: evaluation, {run.period_start} – {run.period_end}, {municipalities} "
        f"municipalities, {courses:,} courses in the period"
    )

    # 1. The figures only, with their SQL captured (this also warms the caches).
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        evaluation.report_context(run)
        figures_s = time.perf_counter() - started
    queries = list(captured.captured_queries)

    # 2. The floor: the same SQL, bare.
    floor_s, replayed = replay(queries)

    # 3. The whole build, as the Celery task runs it.
    counted = []
    with connection.execute_wrapper(lambda execute, *a: counted.append(1) or execute(*a)):
        started = time.perf_counter()
        status = runner.run_build(run.pk)
        total_s = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    run.refresh_from_db()
    if status != "done":
        sys.exit(f"the build ended {status}: {run.error}")
    pdf = run.files.get(kind="pdf")
    with pdf.file.open("rb") as handle:
        content = handle.read()
    pages = page_count(content)

    # 4. Python's peak memory over a second build, under tracemalloc (which slows it down).
    peak_mb = None
    if not args.no_tracemalloc:
        second = new_run()
        tracemalloc.start()
        runner.run_build(second.pk)
        peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        ReportRun.objects.filter(pk=second.pk).delete()
    load_after = os.getloadavg()

    print(f"{'total build':<42}{total_s:>9.1f} s   ({len(counted)} queries)")
    print(f"{'figures only (report_context)':<42}{figures_s:>9.1f} s   ({len(queries)} queries)")
    print(f"{'floor: bare SQL of the figures':<42}{floor_s:>9.1f} s   ({replayed} replayed)")
    print(f"{'ratio total / floor':<42}{total_s / floor_s:>9.2f}")
    if peak_mb is not None:
        print(f"{'peak Python memory (tracemalloc)':<42}{peak_mb:>9.0f} MB")
    print(f"{'max resident set (getrusage)':<42}{rss_mb:>9.0f} MB")
    print(f"{'PDF':<42}{len(content) / 1e6:>9.2f} MB, {pages} pages")
    print(
        f"machine: {os.cpu_count()} cores, load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after"
    )
    print(
        f"aim: ≤ 60 s {'met' if total_s <= 60 else 'MISSED'}; ≤ 2 × floor "
        f"{'met' if total_s <= 2 * floor_s else 'MISSED'}; ≤ 500 MB "
        f"{'met' if max(rss_mb, peak_mb or 0) <= 500 else 'MISSED'}"
    )
    if not args.keep_runs:
        run.files.all().delete()
        ReportRun.objects.filter(pk=run.pk).delete()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--courses", type=int, default=20_000)
    parser.add_argument("--visits", type=int, default=1_000_000, help="2 FIT scores each")
    parser.add_argument("--municipalities", type=int, default=98)
    parser.add_argument("--seed", type=int, default=2635)
    parser.add_argument("--fresh", action="store_true", help="drop and generate the database")
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the peak pass")
    parser.add_argument("--keep-runs", action="store_true", help="keep the report runs")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("this benchmark needs PostgreSQL (DATABASE_URL=postgres://…)")
    if not args.measure:
        if args.fresh:
            drop_database(url)
        ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    if args.measure:
        measure(args)
        return
    call_command("migrate", verbosity=0)
    if populated():
        print("reusing the populated benchmark database (--fresh to generate it again)")
    else:
        generate(args)
    # The report in a process of its own: its peak memory is the report's.
    from django.db import connections

    connections.close_all()
    sys.stdout.flush()
    command = [sys.executable, "-m", "bench.report_national", "--measure", *sys.argv[1:]]
    sys.exit(subprocess.call(command))  # noqa: S603 - ourselves, with our own arguments


if __name__ == "__main__":
    main()
