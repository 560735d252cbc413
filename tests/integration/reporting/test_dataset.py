"""The evaluator's dataset (reporting/dataset.py) on a small hand-counted world.

Period: last calendar year (Y). In scope for the evaluator at Familieværkstedet:

* course A — Familien Holmgård, Ishøj: started 10 Feb Y (20 h/week, turned up once), matched
  from an acute referral sent 5 Jan and decided 20 Jan; two caregivers and three children
  (born a year, 8 and 14 years before the start); three visits in the period (2 h each: a
  weekday morning with a conversation and a multi-family activity, a Saturday evening
  network meeting, an early weekday school contact) and one after it; FIT: Mette 18 → 20 →
  24, Liva 20 → 30, the toddler's YCORS and a collateral ORS left out; SRS 36, 38, 30; WHO-5
  and two SDQs measured; every fidelity criterion met.
* course B — Familien Fjordvang, Vallensbæk: 1 Mar – 31 Aug Y, closed (goals reached →
  ordinary treatment; an earlier closure was reopened); of two children one lives at home,
  at 3 months one of two checked is at home; the 6-month check came after the period.

Out of scope: a course at another provider, one that starts after the period, one that
ended before it. Every free-text field holds the marker QZHEMLIG; none of it, no name, CPR
number, address or full date may reach the files.
"""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from cases import outcome_services
from cases.models import (
    ActivityType,
    ChildAtClosure,
    Closure,
    CourseStatus,
    FamilyMember,
    FitScore,
    Goal,
    Institution,
    InstitutionContact,
    Instrument,
    IntensityChange,
    Measurement,
    NetworkMeeting,
    NetworkSnapshot,
    Occasion,
    PostClosureCheck,
    SafetyMapping,
    Visit,
)
from cases.visit_time import zone
from reporting import dataset
from reporting.models import FileKind, ReportKind, ReportRun
from reporting.pseudonyms import pseudonym
from staffing.models import User
from tests.factories.cases import CourseFactory, FamilyFactory, FamilyMemberFactory, fictional_cpr
from tests.factories.visitation import ReferralChildFactory, ReferralFactory
from visitation.models import Matching

pytestmark = pytest.mark.django_db

SECRET = "QZHEMLIG"  # in every free-text field; not a word the files use
Y = timezone.localdate().year - 1
START = dt.date(Y, 2, 10)


def at(month: int, day: int, hour: int, minute: int = 0, year: int = Y) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=zone())


def years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years)


def visit(course, author, starts_at, minutes, *, codes=(), **derived) -> Visit:
    v = Visit.objects.create(
        course=course,
        author=author,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        place="home",
        minutes=minutes,
        note=f"{SECRET} journalnotat",
        **derived,
    )
    v.activities.set(ActivityType.objects.filter(code__in=codes))
    return v


def fit_score(v, client, scale, total, *, age, version="adult", **kw) -> FitScore:
    item = Decimal(total) / 4
    return FitScore.objects.create(
        visit=v,
        client=client,
        scale=scale,
        version=version,
        age_years=age,
        item1=item,
        item2=item,
        item3=item,
        item4=item,
        total=Decimal(total),
        **kw,
    )


@pytest.fixture
def world(family, other_family, provider, other_provider, ishoj, radgiver, assigned_worker):
    author = assigned_worker
    family.street_address, family.postal_code, family.city = "Holmgårdsvej 17", "2635", "Torslunde"
    family.save()
    mette = family.members.get(first_name="Mette")
    noah = family.members.get(first_name="Noah")
    jonas = FamilyMemberFactory(
        family=family,
        kind="caregiver",
        first_name="Jonas",
        last_name="Holmgård",
        birth_date=dt.date(1985, 1, 9),
        cpr=fictional_cpr(dt.date(1985, 1, 9)),
    )
    liva = FamilyMemberFactory(
        family=family,
        first_name="Liva",
        last_name="Holmgård",
        birth_date=years_before(START, 14) - dt.timedelta(days=20),
        cpr=fictional_cpr(years_before(START, 14) - dt.timedelta(days=20)),
    )
    emma = FamilyMemberFactory(
        family=family,
        first_name="Emma",
        last_name="Holmgård",
        birth_date=years_before(START, 1),
        cpr=fictional_cpr(years_before(START, 1)),
    )

    course = family.courses.get()
    course.start_date, course.granted_hours = START, Decimal("20.0")
    course.save()
    course.team.update(starts_on=START)
    IntensityChange.objects.create(
        course=course,
        effective_on=dt.date(Y, 3, 1),
        hours_per_week=Decimal("25.0"),
        previous_hours=Decimal("20.0"),
        reason=f"{SECRET} begrundelse",
        created_by=radgiver,
    )
    IntensityChange.objects.create(  # after the period
        course=course,
        effective_on=dt.date(Y + 1, 1, 2),
        hours_per_week=Decimal("10.0"),
        reason=f"{SECRET} ned",
        created_by=radgiver,
    )
    referral = ReferralFactory(
        family=family,
        provider=provider,
        status="decided",
        target_group="acute",
        is_acute=True,
        concern=f"{SECRET} bekymring",
        tried_before=f"{SECRET} prøvet før",
        submitted_at=at(1, 5, 10),
        decided_at=at(1, 20, 12),
    )
    ReferralChildFactory(referral=referral, member=noah, level=4)
    ReferralChildFactory(referral=referral, member=liva, level=5)
    Matching.objects.create(
        referral=referral,
        course=course,
        reason=f"{SECRET} matchning",
        decided_by=author,
        decided_at=at(2, 1, 9),
    )
    plan = course.plan
    plan.family_perspective = f"{SECRET} familiens ord"
    plan.save()
    goal = Goal.objects.create(
        plan=plan, owner="family", text=f"{SECRET} mål", life_area="parenting"
    )
    Goal.objects.filter(pk=goal.pk).update(created_at=at(2, 20, 10))
    SafetyMapping.objects.create(
        course=course, mapped_on=dt.date(Y, 3, 1), harm=f"{SECRET} skade", created_by=author
    )
    school = Institution.objects.create(
        child=noah, kind="school", name=f"{SECRET}skolen", contact_person=f"{SECRET} lærer"
    )
    InstitutionContact.objects.create(
        institution=school,
        course=course,
        contacted_on=dt.date(Y, 4, 1),
        kind="meeting",
        note=f"{SECRET} kontakt",
        created_by=author,
    )
    NetworkMeeting.objects.create(
        course=course, held_on=dt.date(Y, 5, 1), notes=f"{SECRET} aftalt", created_by=author
    )
    for day in (dt.date(Y, 2, 15), dt.date(Y, 6, 15)):
        NetworkSnapshot.objects.create(
            family=family, taken_on=day, note=f"{SECRET} kort", data={}, created_by=author
        )

    v1 = visit(course, author, at(3, 3, 9), 120, codes=["conversation", "multifamily"])
    v2 = visit(
        course,
        author,
        at(3, 8, 18),
        120,
        codes=["network_meeting"],
        evening_minutes=120,
        weekend_minutes=120,
        flexible_minutes=120,
    )
    v3 = visit(
        course,
        author,
        at(3, 12, 7),
        120,
        codes=["school_contact"],
        early_minutes=60,
        flexible_minutes=60,
    )
    v4 = visit(course, author, at(1, 5, 9, year=Y + 1), 60, codes=["conversation"])
    for v, total in ((v1, 18), (v2, 20), (v3, 24), (v4, 10)):
        fit_score(v, mette, "ors", total, age=36)
    fit_score(v1, liva, "ors", 20, age=14)
    fit_score(v3, liva, "ors", 30, age=14)
    fit_score(v1, emma, "ors", 10, age=1, version="young_child")
    fit_score(v3, emma, "ors", 30, age=1, version="young_child")
    fit_score(v2, noah, "ors", 5, age=8, version="child", rater="collateral", rater_member=mette)
    for v, client, total, age in ((v1, mette, 36, 36), (v2, mette, 38, 36), (v1, liva, 30, 14)):
        fit_score(v, client, "srs", total, age=age)
    fit_score(v4, mette, "srs", 10, age=37)

    def measure(code, subject, day, answers, **kw):
        return outcome_services.measurement_record(
            by=author,
            course=course,
            instrument=Instrument.objects.get(code=code),
            subject=subject,
            occasion=Occasion.BASELINE,
            measured_on=day,
            answers=answers,
            **kw,
        )

    sdq = {str(i): 1 for i in range(1, 26)} | {"26": 0}
    who5 = measure("who5", mette, dt.date(Y, 2, 20), {str(i): 3 for i in range(1, 6)})
    parent = measure("sdq_parent", noah, dt.date(Y, 2, 21), sdq, informant_member=mette)
    teacher = measure(
        "sdq_teacher",
        noah,
        dt.date(Y, 2, 22),
        sdq,
        informant_description=f"Klasselærer {SECRET}",
    )
    Measurement.objects.create(  # after the period
        course=course,
        instrument=who5.instrument,
        occasion=Occasion.CLOSURE,
        subject=mette,
        measured_on=dt.date(Y + 1, 1, 3),
        age_years=37,
        answers={},
        scores={"scales": {"total": 1, "percentage": 4}},
        created_by=author,
    )

    ida = other_family.members.get()
    oskar = FamilyMemberFactory(
        family=other_family,
        first_name="Oskar",
        last_name="Fjordvang",
        birth_date=dt.date(Y - 4, 6, 1),
        cpr=fictional_cpr(dt.date(Y - 4, 6, 1)),
    )
    closed = CourseFactory(
        family=other_family,
        provider=provider,
        status=CourseStatus.CLOSED,
        start_date=dt.date(Y, 3, 1),
        end_date=dt.date(Y, 8, 31),
    )
    Closure.objects.create(
        course=closed,
        closed_on=dt.date(Y, 6, 1),
        reason="withdrew",
        destination="nothing",
        summary=f"{SECRET} først",
        closed_by=author,
        reopened_at=at(6, 5, 10),
        reopened_by=author,
        reopen_reason=f"{SECRET} genåbnet",
    )
    closure = Closure.objects.create(
        course=closed,
        closed_on=dt.date(Y, 8, 31),
        reason="goals_reached",
        destination="ordinary_treatment",
        summary=f"{SECRET} opsummering",
        family_perspective=f"{SECRET} vi klarer os",
        closed_by=author,
    )
    ChildAtClosure.objects.create(closure=closure, child=ida, lives_at_home=True)
    ChildAtClosure.objects.create(
        closure=closure, child=oskar, lives_at_home=False, note=f"{SECRET} anbragt"
    )
    for child, home, checked in ((ida, True, dt.date(Y, 12, 1)), (oskar, False, dt.date(Y, 12, 2))):
        PostClosureCheck.objects.create(
            closure=closure,
            child=child,
            months_after=3,
            due_on=dt.date(Y, 11, 30),
            checked_on=checked,
            lives_at_home=home,
            note=f"{SECRET} tjek",
            checked_by=author,
        )
    PostClosureCheck.objects.create(  # answered after the period
        closure=closure,
        child=ida,
        months_after=6,
        due_on=dt.date(Y + 1, 2, 28),
        checked_on=dt.date(Y + 1, 3, 1),
        lives_at_home=True,
        checked_by=author,
    )

    CourseFactory(
        family=FamilyFactory(municipality=ishoj), provider=other_provider, start_date=START
    )
    CourseFactory(
        family=FamilyFactory(municipality=ishoj), provider=provider, start_date=dt.date(Y + 1, 1, 2)
    )
    CourseFactory(
        family=FamilyFactory(municipality=ishoj),
        provider=provider,
        status=CourseStatus.CLOSED,
        start_date=dt.date(Y - 1, 3, 1),
        end_date=dt.date(Y - 1, 12, 1),
    )
    return {
        "course": course,
        "closed": closed,
        "members": [mette, noah, jonas, liva, emma, ida, oskar],
        "measurements": [who5, parent, teacher],
    }


def make_run(evaluator, municipalities, *, period=(dt.date(Y, 1, 1), dt.date(Y, 12, 31))):
    run = ReportRun.objects.create(
        kind=ReportKind.DATASET,
        period_start=period[0],
        period_end=period[1],
        requested_by=evaluator,
    )
    run.municipalities.set(municipalities)
    return run


def built(run) -> dict[str, bytes]:
    steps = []
    files = dataset.build(run, lambda percent, text: steps.append(percent))
    assert steps == sorted(steps) and steps[-1] < 100
    assert all(f.confidential for f in files)
    return {f.kind: f for f in files}


def rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


@pytest.fixture
def delivery(world, evaluator, ishoj, vallensbaek):
    run = make_run(evaluator, [ishoj, vallensbaek])
    return run, built(run)


def test_one_row_per_course_in_scope_keyed_by_pseudonym(world, delivery) -> None:
    run, files = delivery
    table = rows(files[FileKind.COURSES_CSV].content)

    assert sorted(r["forloeb_id"] for r in table) == sorted(
        [pseudonym("course", world["course"].pk), pseudonym("course", world["closed"].pk)]
    )
    assert [r["forloeb_id"] for r in table] == sorted(r["forloeb_id"] for r in table)
    assert files[FileKind.COURSES_CSV].name == (f"FORTROLIGT-forloeb-{Y}0101-{Y}1231-{run.pk}.csv")
    assert {f.name.split("-")[0] for f in files.values()} == {"FORTROLIGT"}


def test_course_row_hand_counted(world, delivery) -> None:
    _run, files = delivery
    row = {r["forloeb_id"]: r for r in rows(files[FileKind.COURSES_CSV].content)}[
        pseudonym("course", world["course"].pk)
    ]

    expected = {
        "kommunekode": "183",
        "maalgruppe": "acute",
        "boernelinealen_max": "5",
        "antal_boern": "3",
        "antal_omsorgspersoner": "2",
        "boern_0_2": "1",
        "boern_3_5": "0",
        "boern_6_12": "1",
        "boern_13_17": "1",
        "henvist_maaned": f"{Y}-01",
        "afgjort_maaned": f"{Y}-01",
        "start_maaned": f"{Y}-02",
        "slut_maaned": "",
        "dage_henvisning_afgoerelse": "15",
        "dage_afgoerelse_start": "21",
        "timer_bevilget_start": "20.0",
        "intensitetsaendringer": "1",
        "timer_leveret": "6.0",  # three visits of two hours; the one after the period left out
        "andel_aften": "0.333",
        "andel_tidlig_morgen": "0.167",
        "andel_weekend": "0.333",
        "besoeg": "3",
        "aktiviteter_element_1": "0",
        "aktiviteter_element_2": "1",
        "aktiviteter_element_3": "0",
        "aktiviteter_element_4": "1",
        "aktiviteter_element_5": "1",
        "aktiviteter_element_6": "1",
        "aktiviteter_element_7": "1",
        "fit_sessioner_ors": "3",
        "ors_klienter": "2",  # Mette and Liva; the toddler's YCORS is engagement only
        "ors_foerste_gns": "19.0",  # (18 + 20) / 2
        "ors_sidste_gns": "27.0",  # (24 + 30) / 2 — not Mette's 10 after the period
        "ors_paalidelig_fremgang": "2",
        "ors_paalidelig_tilbagegang": "0",
        "ors_recovered": "1",  # Liva 20 → 30 across 28; Mette ends at 24, under 25
        "srs_gns": "34.7",  # (36 + 38 + 30) / 3
        "afslutning_aarsag": "",
        "boern_hjemme_afslutning": "",
    }
    assert {k: row[k] for k in expected} == expected
    flags = {k: v for k, v in row.items() if k.startswith("troskab_")}
    assert flags and set(flags.values()) == {"1"}, flags


def test_closed_course_row_hand_counted(world, delivery) -> None:
    _run, files = delivery
    row = {r["forloeb_id"]: r for r in rows(files[FileKind.COURSES_CSV].content)}[
        pseudonym("course", world["closed"].pk)
    ]

    expected = {
        "kommunekode": "187",
        "maalgruppe": "",
        "boernelinealen_max": "",
        "antal_boern": "2",
        "antal_omsorgspersoner": "0",
        "boern_3_5": "1",
        "boern_6_12": "1",
        "start_maaned": f"{Y}-03",
        "slut_maaned": f"{Y}-08",
        "dage_henvisning_afgoerelse": "",
        "timer_leveret": "0.0",
        "andel_aften": "",
        "besoeg": "0",
        "afslutning_aarsag": "goals_reached",  # the closure in force, not the reopened one
        "afslutning_videre": "ordinary_treatment",
        "boern_vurderet_afslutning": "2",
        "boern_hjemme_afslutning": "1",
        "boern_hjemme_3_mdr": "1",
        "boern_fulgt_op_3_mdr": "2",
        "boern_hjemme_6_mdr": "0",  # answered after the period
        "boern_fulgt_op_6_mdr": "0",
        "boern_fulgt_op_12_mdr": "0",
        "troskab_plan": "0",
        "troskab_family_words": "1",  # at closure
        "troskab_fit": "0",
        "troskab_element_1": "0",
    }
    assert {k: row[k] for k in expected} == expected


def test_measurements_long_table(world, delivery) -> None:
    _run, files = delivery
    table = rows(files[FileKind.MEASUREMENTS_CSV].content)
    who5, parent, teacher = world["measurements"]
    mette, noah = world["members"][:2]

    expected_rows = sum(len(m.scores["scales"]) for m in (who5, parent, teacher))
    assert len(table) == expected_rows  # the WHO-5 after the period is left out
    mine = [r for r in table if r["person_id"] == pseudonym("person", mette.pk)]
    assert {(r["maaleredskab"], r["skala"], r["score"], r["baand"]) for r in mine} == {
        ("who5", "total", "15", ""),
        ("who5", "percentage", "60", "Ingen tegn på lav trivsel"),
    }
    assert {r["aldersgruppe"] for r in mine} == {"18+"}
    assert {r["maaned"] for r in mine} == {f"{Y}-02"}
    noahs = [r for r in table if r["person_id"] == pseudonym("person", noah.pk)]
    assert {r["udfyldt_af"] for r in noahs} == {"parent", "teacher"}
    assert {r["aldersgruppe"] for r in noahs} == {"6-12"}
    total = next(r for r in noahs if r["udfyldt_af"] == "parent" and r["skala"] == "total")
    assert total["score"] == str(int(parent.scores["scales"]["total"]))
    assert total["baand"] == parent.scores["bands"]["total"]["label"]
    assert {r["forloeb_id"] for r in table} == {pseudonym("course", world["course"].pk)}
    assert {r["tidspunkt"] for r in table} == {"baseline"}


def test_pseudonyms_are_stable_across_runs(world, delivery, evaluator, ishoj, vallensbaek):
    _run, first = delivery
    again = built(make_run(evaluator, [vallensbaek, ishoj]))
    only_ishoj = built(make_run(evaluator, [ishoj]))

    assert first[FileKind.COURSES_CSV].content == again[FileKind.COURSES_CSV].content
    assert first[FileKind.MEASUREMENTS_CSV].content == again[FileKind.MEASUREMENTS_CSV].content
    ids = [r["forloeb_id"] for r in rows(only_ishoj[FileKind.COURSES_CSV].content)]
    assert ids == [pseudonym("course", world["course"].pk)]


def test_dictionary_describes_every_column_of_both_files(delivery) -> None:
    _run, files = delivery
    dictionary = rows(files[FileKind.DICTIONARY].content)
    described = {(r["kolonne"], r["fil_ark"]) for r in dictionary}

    for kind, sheet in ((FileKind.COURSES_CSV, "Forløb"), (FileKind.MEASUREMENTS_CSV, "Målinger")):
        header = files[kind].content.decode().splitlines()[0].split(",")
        assert {(name, sheet) for name in header} <= described
    assert all(r["definition"] and r["type"] for r in dictionary)
    target = next(r for r in dictionary if r["kolonne"] == "maalgruppe")
    assert "acute = Akutte udfordringer" in target["tilladte_vaerdier"]
    plan = next(r for r in dictionary if r["kolonne"] == "troskab_plan")
    assert "28 dage" in plan["definition"]


def test_workbook_has_readme_data_and_dictionary(world, delivery) -> None:
    _run, files = delivery
    workbook = load_workbook(io.BytesIO(files[FileKind.XLSX].content), read_only=True)

    assert workbook.sheetnames == ["Læs mig", "Forløb", "Målinger", "Dataordbog"]
    readme = [row[0] for row in workbook["Læs mig"].iter_rows(values_only=True)]
    assert readme[0].startswith("FORTROLIGT")
    assert files[FileKind.COURSES_CSV].name in "\n".join(r or "" for r in readme)
    sheet = list(workbook["Forløb"].iter_rows(values_only=True))
    csv_rows = list(csv.reader(io.StringIO(files[FileKind.COURSES_CSV].content.decode())))
    assert list(sheet[0]) == csv_rows[0]
    assert len(sheet) == len(csv_rows) == 3
    for cells, texts in zip(sheet[1:], csv_rows[1:], strict=True):
        for cell, text in zip(cells, texts, strict=True):
            if cell is None:
                assert text == ""
            elif isinstance(cell, int | float):
                assert Decimal(text) == Decimal(str(cell))
            else:
                assert cell == text
    measurements = list(workbook["Målinger"].iter_rows(values_only=True))
    assert len(measurements) - 1 == len(rows(files[FileKind.MEASUREMENTS_CSV].content))
    workbook.close()


def _all_text(files) -> str:
    texts = [f.content.decode("utf-8") for kind, f in files.items() if kind != FileKind.XLSX]
    workbook = load_workbook(io.BytesIO(files[FileKind.XLSX].content), read_only=True)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            texts.append("\t".join("" if c is None else str(c) for c in row))
    texts += [workbook.properties.title or "", workbook.properties.creator or ""]
    workbook.close()
    return "\n".join(texts)


def test_no_names_cpr_numbers_addresses_free_text_or_full_dates(world, delivery) -> None:
    _run, files = delivery
    text = _all_text(files).casefold()
    data_text = "\n".join(
        files[k].content.decode() for k in (FileKind.COURSES_CSV, FileKind.MEASUREMENTS_CSV)
    )
    forbidden = {"holmgård", "fjordvang", "holmgårdsvej", "torslunde", "2635"}
    for member in FamilyMember.objects.all():
        forbidden |= {member.first_name.casefold(), member.last_name.casefold()}
        born = member.birth_date
        forbidden |= {f"{born:%d%m%y}", f"{born:%d.%m.%Y}", born.isoformat(), f"{born:%d-%m-%Y}"}
        digits = member.cpr_digits()
        if digits:
            forbidden |= {digits, f"{digits[:6]}-{digits[6:]}", f"{digits[:6]} {digits[6:]}"}
    forbidden |= {u.full_name.casefold() for u in User.objects.all() if u.full_name}
    forbidden.discard("")

    found = sorted(w for w in forbidden if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text))

    assert not found, found
    assert SECRET.casefold() not in text  # no free text, not even inside a word
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4}", data_text)


def test_through_the_runner_as_a_dataset_run(world, evaluator, ishoj) -> None:
    from reporting import runner

    run = make_run(evaluator, [ishoj])

    assert runner.run_build(run.pk) == "done"

    run.refresh_from_db()
    kinds = set(run.files.values_list("kind", flat=True))
    assert kinds == {
        FileKind.COURSES_CSV,
        FileKind.MEASUREMENTS_CSV,
        FileKind.DICTIONARY,
        FileKind.XLSX,
    }
    assert all(run.files.values_list("confidential", flat=True))
    assert run.progress == 100


def test_query_count_does_not_grow_with_courses(
    world, evaluator, ishoj, vallensbaek, provider, assigned_worker
) -> None:
    def queries() -> int:
        run = make_run(evaluator, [ishoj, vallensbaek])
        with CaptureQueriesContext(connection) as captured:
            dataset.build(run, lambda percent, text: None)
        return len(captured.captured_queries)

    queries()  # warm: the first build also fills per-process caches
    before = queries()
    for n in range(3):
        more = CourseFactory(
            family=FamilyFactory(municipality=ishoj), provider=provider, start_date=START
        )
        member = FamilyMemberFactory(family=more.family, kind="caregiver")
        for day in range(1, 4):
            v = visit(more, assigned_worker, at(4, day + n, 9), 60, codes=["conversation"])
            fit_score(v, member, "ors", 10 + day, age=40)

    assert queries() == before <= 12
