"""Every figure of the evaluation report checked against values counted by hand from the
fixture world (tests/integration/reporting/evaluation_world.py — its comments hold the
tables the counting starts from). Raw figures, before small-number protection; that is
tested in test_evaluation_pdf.py and tests/unit/reporting/test_presentation.py."""

import datetime as dt

import pytest

from reporting import fidelity, figures, outcome_figures, stories
from reporting.models import ReportRun
from staffing.models import Role
from tests.factories.staffing import UserFactory
from tests.integration.reporting.evaluation_world import World, build_world

ISHOJ, VALLENSBAEK = 0, 1
MASSIVE, ACUTE, UNCLEAR, UNKNOWN = 0, 1, 2, 3


@pytest.fixture
def world(projektleder, provider, ishoj, vallensbaek) -> World:
    return build_world(projektleder, provider, ishoj, vallensbaek)


def test_run_courses_are_the_requesters_courses_in_the_municipalities_and_period(world) -> None:
    # C10 ended before the period; the other provider's course and the Brøndby family's
    # course are outside the requester's scope or the run's municipalities.
    expected = {world.courses[k].pk for k in ("C1", "C2", "C3", "C4", "C5", "C6", "C7")}
    assert set(figures.run_courses(world.run).values_list("pk", flat=True)) == expected


def test_a_requester_of_another_provider_sees_nothing(world, other_provider) -> None:
    stranger = UserFactory(organisation=other_provider, roles=[Role.PROJEKTLEDER])
    run = ReportRun.objects.create(
        kind="evaluation",
        period_start=world.run.period_start,
        period_end=world.run.period_end,
        requested_by=stranger,
    )
    run.municipalities.set([world.ishoj, world.vallensbaek])
    assert not figures.run_courses(run).exists()
    assert not figures.run_referrals(run).exists()


def test_volume(world) -> None:
    v = figures.volume(world.run)
    # Referrals submitted in 2025 (R1 was 2024; the outsiders' are out of scope):
    #   Ishøj: R2 massive, R3 acute, R4 unclear, R5 massive, R11 massive, R13 acute
    #   Vallensbæk: R6 acute, R12 unclear
    assert v.referrals.rows == ["Ishøj Kommune", "Vallensbæk Kommune"]
    assert len(v.referrals.cols) == 3  # no referral without a target group: no such column
    assert v.referrals.body == [[3, 2, 1], [0, 1, 1]]
    # Decisions, the latest per referral signed in 2025 (R5's waiting list was replaced by a
    # grant within the period): Ishøj FB R2 R3 R4 R5, waiting list R11; Vallensbæk FB R6,
    # rejected R12. Columns: FB, ordinary, external, waiting list, postponed, rejected.
    assert v.decisions.body == [[4, 0, 0, 1, 0, 0], [1, 0, 0, 0, 0, 1]]
    # Families in a course in 2025 (C1–C7): Ishøj massive F1 F2 F5, acute F3, unclear F4;
    # Vallensbæk acute F6, no referral F7 ("Ikke angivet").
    assert v.families_active.body == [[3, 1, 1, 0], [0, 1, 0, 1]]
    # Children of those families: F1 1, F2 2, F5 1 (massive 4); F3 1; F4 1; F6 2; F7 1.
    assert v.children_active.body == [[4, 1, 1, 0], [0, 2, 0, 1]]
    # Started in 2025 (C2–C7): Ishøj massive F2 F5, acute F3, unclear F4; V acute F6, F7.
    assert v.families_started.body == [[2, 1, 1, 0], [0, 1, 0, 1]]
    assert v.children_started.body == [[3, 1, 1, 0], [0, 2, 0, 1]]
    # Closed in 2025: C2 (Ishøj massive), C4 (Ishøj unclear), C6 (Vallensbæk acute).
    assert v.families_closed.body == [[1, 0, 1], [0, 1, 0]]


def test_access(world) -> None:
    a = figures.access(world.run)
    # Days referral → decision for the 7 decided in 2025: R2 10, R3 1, R4 14, R5 21, R6 1,
    # R11 8, R12 10 → sorted 1 1 8 10 10 14 21: median 10, range 1–21.
    assert (a.to_decision.n, a.to_decision.median, a.to_decision.low, a.to_decision.high) == (
        7,
        10,
        1,
        21,
    )
    # → team: R2 21, R3 4, R4 42, R5 48, R6 1 → 1 4 21 42 48.
    assert (a.to_team.n, a.to_team.median, a.to_team.low, a.to_team.high) == (5, 21, 1, 48)
    # → start: R2 28, R3 11, R4 57, R5 62, R6 4 → 4 11 28 57 62.
    assert (a.to_start.n, a.to_start.median, a.to_start.low, a.to_start.high) == (5, 28, 4, 62)
    # Waiting list at each month's end: R5 from 04-22 until replaced 05-12 (April), R11 from
    # 10-09 to the end (October–December).
    assert [n for _day, n in a.waiting_by_month] == [0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1]
    assert a.waiting_by_month[-1][0] == dt.date(2025, 12, 31)
    assert a.waiting_at_end == 1
    # R11 submitted 2025-10-01, still waiting on 2025-12-31: 91 days.
    assert (a.waiting_days.n, a.waiting_days.median) == (1, 91)
    # Acute referrals submitted in 2025: R3 (23 h), R6 (26 h), R13 (undecided); the
    # outsiders' acute referrals are out of scope.
    assert (a.acute, a.acute_within_24h) == (3, 1)


def test_month_ends_of_a_period_within_one_month() -> None:
    assert figures.month_ends(dt.date(2025, 3, 5), dt.date(2025, 3, 20)) == [dt.date(2025, 3, 20)]
    assert figures.month_ends(dt.date(2024, 12, 1), dt.date(2025, 2, 10)) == [
        dt.date(2024, 12, 31),
        dt.date(2025, 1, 31),
        dt.date(2025, 2, 10),
    ]


def test_intensity(world) -> None:
    i = figures.intensity(world.run)
    assert i.courses == 7
    # Days in 2025: C1 365, C2 208 (02-03–08-29), C3 304 (03-03–), C4 214 (04-01–10-31),
    # C5 213 (06-02–), C6 176 (01-06–06-30), C7 24 (12-08–) = 1504.
    assert i.course_days == 1504
    # Hour-days: C1 20 × 365 (the change on 2024-12-01 is in force all year) = 7300;
    # C2 10 × 91 (02-03–05-04) + 20 × 117 = 3250; C3 15 × 304 = 4560 (its change is in
    # 2026); C4 12 × 214 = 2568; C5 20 × 213 = 4260; C6 25 × 176 = 4400; C7 8 × 24 = 192.
    # Sum 26530 hour-days / 7 = 3790 hours granted.
    assert i.granted_hours == pytest.approx(3790.0)
    assert i.per_course_week(i.granted_hours) == pytest.approx(26530 / 1504)
    # 16 visits in 2025: 9 × A (120) + 3 × B (120, evening) + 2 × C (60, early) + 2 × D
    # (120, weekend) = 1800 minutes; evening 360, early 120, weekend 240, flexible 720.
    assert i.visits == 16
    assert (i.delivered_minutes, i.evening_minutes, i.early_minutes) == (1800, 360, 120)
    assert (i.weekend_minutes, i.flexible_minutes) == (240, 720)
    assert i.delivered_hours == 30
    # Closed in 2025: C2 208, C4 214, C6 176 days → median 208, range 176–214.
    d = i.durations
    assert (d.n, d.median, d.low, d.high) == (3, 208, 176, 214)


def test_activities(world) -> None:
    a = figures.activities(world.run)
    assert a.visits == 16
    assert a.without_activity == 2  # V3_2 and V6_2
    by_name = {row.name: (row.visits, row.courses, row.elements) for row in a.types}
    # conversation: V1_1 V1_2 V2_1 V3_1 V5_1 V6_1 (courses C1 C2 C3 C5 C6); the 2024 and
    # 2026 visits are outside the period.
    assert by_name["Samtale"] == (6, 5, [4, 5])
    assert by_name["Kontakt med skole eller dagtilbud"] == (2, 2, [2])  # V1_2, V4_1
    assert by_name["Putning og aftenrutine"] == (2, 2, [4])  # V1_3, V2_2
    assert by_name["Flerfamilieaktivitet"] == (2, 2, [6])  # V1_4, V4_2 (the outsiders' is out)
    assert by_name["Morgenrutine"] == (2, 2, [4])  # V2_3, V4_3
    assert by_name["Netværksmøde"] == (1, 1, [7])  # V6_1
    assert by_name["Følge til møde (jobcenter, skole, psykiatri …)"] == (1, 1, [1, 2])  # V7_1
    assert by_name["Måltider"] == (0, 0, [4])
    by_element = {e.element: (e.visits, e.courses) for e in a.elements}
    # 1: accompany (V7_1). 2: school contact V1_2 V4_1 + accompany V7_1. 3: none mapped.
    # 4: conversation, bedtime, morning routine → V1_1 V1_2 V1_3 V2_1 V2_2 V2_3 V3_1 V4_3 V5_1
    # V6_1 (C1–C6). 5: conversation → 6 visits, 5 courses. 6: multifamily. 7: network meeting.
    assert by_element == {
        1: (1, 1),
        2: (3, 3),
        3: (0, 0),
        4: (10, 6),
        5: (6, 5),
        6: (2, 2),
        7: (1, 1),
    }


def _fidelity(world: World) -> fidelity.Fidelity:
    _start, end = figures.period_bounds(world.run)
    ctx = fidelity.Context(
        period_end=world.run.period_end,
        end=end,
        element_activities=figures.element_activity_ids(),
    )
    return fidelity.fidelity(figures.run_courses(world.run), ctx)


def test_fidelity_criteria_elements_and_distribution(world) -> None:
    f = _fidelity(world)
    assert f.courses == 7
    criteria = {c.code: (j.applicable, j.met) for c, j in f.criteria}
    # See the table in evaluation_world.py ("Fidelity evidence").
    assert criteria == {
        "plan": (6, 4),  # C7 started 2025-12-08: too new to be judged
        "family_words": (7, 5),
        "universal": (7, 4),
        "flexible": (7, 4),
        "fit": (7, 4),
        "safety_mapping": (7, 3),
        "matching": (7, 6),
        "multifamily": (7, 2),
        "network_meeting": (7, 3),
        "network_revisited": (7, 2),
    }
    elements = {e: (j.applicable, j.met) for e, _label, j in f.elements}
    # 1 plan ∧ words: C1 C2 C4 C6 of C1–C6 · 4 FIT ∧ Signs of Safety: C1 C6 ·
    # 7 meeting ∧ map revisited: C1 C6.
    assert elements == {
        1: (6, 4),
        2: (7, 4),
        3: (7, 4),
        4: (7, 2),
        5: (7, 6),
        6: (7, 2),
        7: (7, 2),
    }
    # Judged on all (C1–C6): C1 7 elements, C2 4, C3 1, C4 5, C5 1, C6 5.
    assert f.distribution == [0, 2, 0, 0, 1, 2, 0, 1]
    assert f.judged_on_all == 6


def test_fidelity_per_course(world) -> None:
    _start, end = figures.period_bounds(world.run)
    ctx = fidelity.Context(world.run.period_end, end, figures.element_activity_ids())
    codes = [c.code for c in fidelity.CRITERIA]
    rows = {
        r["pk"]: r
        for r in fidelity.course_fidelity(figures.run_courses(world.run), ctx).values(
            "pk", *(f"met_{code}" for code in codes), "applies_plan"
        )
    }
    # The table "Fidelity evidence" in evaluation_world.py, course by course (C7's plan
    # criterion is not judged; it is not met either). FIT: C1 4 of 5 visits up to the end
    # (one in 2024) = 80 %; C4 2 of 3; C3 1 of 2 (its 2026 visit does not count).
    expected = {
        "plan": "++-+-+-",
        "family_words": "++++-+-",
        "universal": "++-+--+",
        "flexible": "++-+-+-",
        "fit": "++--++-",
        "safety_mapping": "+-+--+-",
        "matching": "++++++-",
        "multifamily": "+--+---",
        "network_meeting": "+-+--+-",
        "network_revisited": "+----+-",
    }
    for code, marks in expected.items():
        got = "".join(
            "+" if rows[world.courses[f"C{i}"].pk][f"met_{code}"] else "-" for i in range(1, 8)
        )
        assert got == marks, code
    applies = [rows[world.courses[f"C{i}"].pk]["applies_plan"] for i in range(1, 8)]
    assert applies == [True] * 6 + [False]


def test_ors_and_srs(world) -> None:
    o = outcome_figures.ors(world.run)
    # Self-rated ORS (not YCORS, not collateral) at least twice, first → latest:
    #   M1 18 → 26 (+8, first under 25, latest over: recovered) · K1 22 → 25 (+3, age 14,
    #   cut-off 28) · M2 30 → 24 (−6) · M4 20 → 27 (+7, recovered) · M6 10 → 16 (+6, still
    #   under). M3 and K5 rated once; K6y is under 6.
    assert (o.clients, o.improved, o.unchanged, o.deteriorated) == (5, 3, 1, 1)
    assert (o.clinical_start, o.recovered) == (4, 2)
    assert o.mean_first == pytest.approx(20.0)  # (18 + 22 + 30 + 20 + 10) / 5
    assert o.mean_last == pytest.approx(23.6)  # (26 + 25 + 24 + 27 + 16) / 5
    s = outcome_figures.srs(world.run)
    # SRS in 2025: M1 36 38 39, M2 35 37 38, M4 34 36, K5 30, M6 33 39 = 11 ratings by 5
    # people, sum 395; under 36: 35, 34, 30, 33.
    assert (s.ratings, s.clients, s.below) == (11, 5, 4)
    assert s.mean == pytest.approx(395 / 11)


def test_pre_post(world) -> None:
    rows = {r.family: r for r in outcome_figures.pre_post(world.run)}
    assert list(rows) == ["sdq", "who5", "pss"]  # instrument order
    who5 = rows["who5"]
    # M1 40 → 64, M2 60 → 56 (closure wins over the later follow-up), M4 36 → 48 (the 2026
    # measurement is after the period), M6 28 → 16; M3 once; M5's follow-up predates the
    # baseline. Meaningful change 10, higher is better.
    assert (who5.scale, who5.pairs, who5.threshold, who5.higher_is_better) == (
        "percentage",
        4,
        10.0,
        True,
    )
    assert who5.mean_pre == pytest.approx(41.0) and who5.mean_post == pytest.approx(46.0)
    assert (who5.better, who5.same, who5.worse) == (2, 1, 1)
    pss = rows["pss"]
    # M1 60 → 50, M2 55 → 50, M3 70 → 62, M4 48 → 40, M6 66 → 70.
    assert (pss.pairs, pss.threshold, pss.higher_is_better) == (5, None, False)
    assert pss.mean_pre == pytest.approx(59.8) and pss.mean_post == pytest.approx(54.4)
    assert pss.better is None
    sdq = rows["sdq"]
    assert (sdq.scale, sdq.pairs, sdq.mean_pre, sdq.mean_post) == ("total", 1, 18.0, 14.0)


def test_attendance(world) -> None:
    a = outcome_figures.attendance(world.run)
    # K1 25 → 10 %, K2 20 → 10 %, K4 10 → 20 % (unlawful 10 → 0, 10 → 2.5, 0 → 10).
    assert a.children == 3
    assert a.absence_first == pytest.approx(55 / 3)
    assert a.absence_last == pytest.approx(40 / 3)
    assert a.unlawful_first == pytest.approx(20 / 3)
    assert a.unlawful_last == pytest.approx(12.5 / 3)
    assert a.less_absence == 2


def test_children_at_home_and_closures(world) -> None:
    h = outcome_figures.at_home(world.run)
    # At closure in 2025: C2 K2 K2b home, C4 K4 home, C6 K6 not, K6y home.
    assert (h.closed_at_home, h.closed_not_at_home) == (4, 1)
    checks = {c.months: (c.at_home, c.not_at_home, c.not_recorded) for c in h.checks}
    # Due in 2025: C10 (closed 2024) all three; C6 at 3 and 6 months; C2 at 3 months.
    assert checks == {3: (5, 1, 0), 6: (1, 1, 2), 12: (1, 0, 1)}
    c = outcome_figures.closures(world.run)
    # Reasons × destinations: goals reached → ordinary treatment (C2); stepped down → other
    # support (C4); placement → placement (C6).
    assert c.total == 3
    assert c.body[0][0] == 1 and c.body[1][1] == 1 and c.body[2][3] == 1


def test_consented_stories_only_anonymised(world) -> None:
    count, told = stories.consented_stories(world.run, figures.run_courses(world.run))
    # One consented story in 2025 (C1); C2's has no consent, C1's other was told in 2024.
    assert count == 1
    (story,) = told
    assert (story.month, story.teller, story.domain) == (
        "2025-05",
        "En forælder",
        "Hverdagen og strukturen",
    )
    assert story.title == "[forælder] og [barn] spiser morgenmad"
    assert story.story == (
        "[forælder] fortæller: Den [dato] spiste [barn] og jeg morgenmad sammen for første "
        "gang i et år. [netværksperson] kom forbi på [adresse], og [barn]s lærer på "
        "[institution] ringede fra [nummer]. [medarbejder] var med."
    )
    assert story.why == "Fordi [barn] nu kommer glad i skole."


def test_completeness(world) -> None:
    c = figures.completeness(world.run)
    # Planned measurements due in 2025 (M1's baseline was due in 2024):
    #   SDQ parent: K5 baseline missing · WHO-5: 3 done, M3 follow-up and M5 closure missing ·
    #   PSS: M3 follow-up done, M2 closure waived, M6 closure missing.
    assert c.measurements.rows == [
        "SDQ – forældreversion",
        "WHO-5 Trivselsindeks",
        "Forældrestress (Parental Stress Scale)",
    ]
    assert c.measurements.body == [[0, 0, 1], [3, 0, 2], [1, 1, 1]]
    # Visits in 2025 with any FIT rating: V1_1 V1_2 V1_4 V2_1–3 V3_1 V4_1 V4_3 V5_1 V6_1 V6_2.
    assert (c.visits, c.visits_with_fit) == (16, 12)
    assert c.as_of == dt.date(2025, 12, 31)
