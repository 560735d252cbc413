"""The evaluation report as a PDF (reporting/evaluation.py, templates/reporting/pdf/
evaluation.html): read back with pdftotext it has its sections and the hand-counted figures
of the fixture world, and none of the fixture's names, CPR numbers or addresses; no count
from 1 to 4 is visible in any table and a partner cell is hidden wherever a total would
reveal it; the number of queries does not grow with the number of visits; and the runner
stores the PDF as the run's file."""

import datetime as dt
import hashlib
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cases.models import ActivityType, FitScale, FitScore, FitVersion, Visit, VisitPlace
from reporting import evaluation, runner
from reporting.models import FileKind, ReportFile, ReportRun, RunStatus
from tests.integration.reporting.evaluation_world import STREETS, World, build_world, local
from tests.pdftext import pdf_text as read_pdf

SECTIONS = [
    "1. Omfang",
    "2. Adgang og ventetid",
    "3. Intensitet",
    "4. Aktiviteter",
    "5. De syv obligatoriske elementer",
    "6. Resultater",
    "7. Forandringsfortællinger",
    "8. Datakvalitet",
    "Bilag: Metode",
]


@pytest.fixture
def world(projektleder, provider, ishoj, vallensbaek) -> World:
    return build_world(projektleder, provider, ishoj, vallensbaek)


def pdf_text(content: bytes, tmp_path: Path) -> str:
    """The PDF's text, laid out as printed (a table row stays on one line)."""
    return read_pdf(content, tmp_path / "rapport.pdf", layout=True)


def rendered_html(run: ReportRun) -> tuple[dict, str]:
    with translation.override("da"):
        context = evaluation.report_context(run)
        return context, render_to_string(evaluation.TEMPLATE, context)


def count_cells(html: str) -> list[str]:
    """The text of every count cell (class "n"), without its percentage."""
    cells = re.findall(r'<td class="n[^"]*">(.*?)</td>', html, flags=re.S)
    return [re.sub(r"<span.*?</span>", "", cell).strip() for cell in cells]


def test_the_pdf_has_its_sections_and_figures_and_nothing_personal(world, tmp_path) -> None:
    steps: list[tuple[int, str]] = []
    (built,) = evaluation.build(world.run, lambda percent, text: steps.append((percent, text)))
    assert built.kind == FileKind.PDF and built.content_type == "application/pdf"
    assert built.name == f"evaluering-202501-202512-{world.run.pk}.pdf"
    assert built.content.startswith(b"%PDF")
    percents = [p for p, _text in steps]
    assert percents == sorted(percents) and percents[-1] < 100 and len(steps) >= 10
    text = pdf_text(built.content, tmp_path)
    for title in SECTIONS:
        assert title in text
    assert "Periode 01.01.2025 – 31.12.2025" in text
    assert "Ishøj Kommune, Vallensbæk Kommune" in text
    assert f"Kørsel nr. {world.run.pk}" in text
    assert re.search(r"Side 1 af \d+", text)
    # Access: 7 decided, median 10 days, 1–21; 5 teams, 21, 1–48; 5 starts, 28, 4–62.
    assert "Henvisning til afgørelse 7 10 1 21" in text
    assert "Henvisning til team tilknyttet 5 21 1 48" in text
    assert "Henvisning til forløbets start 5 28 4 62" in text
    # Intensity: 7 courses, 1504 days = 214,9 course-weeks, 3790,0 hours granted, 30,0
    # delivered, 17,6 granted per course-week, evening 20 %, flexible 40 %.
    for figure in (
        "Forløb 7",
        "Forløbsuger i perioden 214,9",
        "Besøg 16",
        "Bevilgede timer i alt 3790,0",
        "Leverede timer i alt 30,0",
        "Bevilget pr. forløbsuge (timer) 17,6",
        "Aften (efter kl. 17) 20 %",
        "Uden for hverdage kl. 8–17 i alt 40 %",
    ):
        assert figure in text, figure
    # Activities: conversation in 6 of 16 visits (38 %), 5 courses.
    assert "Samtale 4, 5 6 38 5" in text
    # FIT: 5 people; ORS 20,0 → 23,6; SRS 11 ratings by 5 people, mean 35,9.
    assert "Personer, der selv har udfyldt ORS mindst to gange: 5" in text
    assert "Gennemsnit, første ORS 20,0" in text and "Gennemsnit, seneste ORS 23,6" in text
    assert "SRS-vurderinger i perioden 11" in text and "Gennemsnitlig SRS (0–40) 35,9" in text
    # PSS: 5 pairs, 59,8 → 54,4; WHO-5: 4 pairs → hidden.
    assert "Forældrestress (Parental Stress Scale) Forældrestress i alt 5 59,8 54,4" in text
    assert "WHO-5 Trivselsindeks Trivselsindeks <5 for få for få" in text
    # The anonymised story, and the appendix.
    assert "[forælder] og [barn] spiser morgenmad" in text
    assert "Netværkskortet revideret" in text and "Klinisk grænse (ORS)" in text
    assert "SDQ – britiske 3-båndsgrænser" in text and "WHO-5 – screeningsgrænse" in text
    # Nothing personal: no name of anyone in the families, no CPR number, no address, no
    # staff name, no story without consent.
    for name in [*world.names(), "Grethe", "Vejleåskolen", "Lene", "Ledersen", "Zainab", "Yusuf"]:
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE), name
    digits = re.sub(r"\D", "", text)
    for cpr in world.cprs:
        assert cpr not in digits
        assert f"{cpr[:6]}-{cpr[6:]}" not in text
    for street in STREETS.values():
        assert street not in text
    assert "uden samtykke" not in text and "Hemmeligt" not in text


def test_no_visible_count_is_one_to_four_and_partners_are_hidden(world) -> None:
    context, html = rendered_html(world.run)
    cells = count_cells(html)
    assert len(cells) > 150
    assert not [c for c in cells if c in {"1", "2", "3", "4"}]
    assert "<5" in html.replace("&lt;", "<") and '<td class="n hidden">x' in html
    volume = context["volume"]
    # Referrals: Ishøj 3 / 2 / 1 = 6, Vallensbæk 0 / 1 / 1 = 2, 8 in all. Vallensbæk's 2 is
    # hidden; 8 − 2 would give Ishøj's 6, so that is hidden too.
    ishoj, vallensbaek = volume["referrals"].rows
    assert [c.text for c in ishoj.cells] + [ishoj.total.text] == ["<5", "<5", "<5", "x"]
    assert [c.text for c in vallensbaek.cells] + [vallensbaek.total.text] == ["0", "<5", "<5", "<5"]
    assert volume["referrals"].totals.total.text == "8"
    # Fidelity, element 5: 6 of 7 practised — the 1 not practised is hidden, so is the 6 and
    # its percentage.
    element5 = context["fidelity"]["elements"].rows[4]
    assert [c.text for c in element5.cells] == ["x", "<5"]
    assert element5.total.text == "7" and element5.cells[0].percent == "x"
    # Data completeness: 12 of 16 visits with FIT; the 4 without are hidden, so the 12 too.
    fit = context["completeness"]["fit"]
    assert (fit["part"], fit["rest"], fit["whole"], fit["percent_text"]) == ("x", "<5", "16", "")
    # Checks after closure at 3 months: 5 at home, 1 not, 0 open = 6; the 1 is hidden, and
    # with it the 5.
    three = context["outcomes"]["at_home"]["checks"].rows[0]
    assert [c.text for c in three.cells] + [three.total.text] == ["x", "<5", "0", "6"]
    # A statistic over 3 courses (durations of those closed) is "for få".
    assert context["intensity"]["duration"]["median"] == "for få"
    assert context["access"]["acute"]["part"] == "<5"


def test_the_threshold_is_read_from_settings(world, settings) -> None:
    settings.SMALL_NUMBER_THRESHOLD = 3
    context, html = rendered_html(world.run)
    assert not [c for c in count_cells(html) if c in {"1", "2"}]
    who5 = context["outcomes"]["pre_post"]["rows"][1]
    assert (who5["pairs"], who5["pre"], who5["post"]) == ("4", "41,0", "46,0")
    # Durations of the 3 closed courses now shown (weeks): median 208 / 7 = 29,7.
    assert context["intensity"]["duration"]["median"] == "29,7"
    assert "Tal fra 1 til 2 vises som »&lt;3«" in html


def test_building_stops_when_progress_says_cancelled(world) -> None:
    def progress(percent: int, text: str) -> None:
        if percent >= 25:
            raise runner.Cancelled

    with pytest.raises(runner.Cancelled):
        evaluation.build(world.run, progress)


def _small_world(projektleder, family, ishoj) -> tuple[ReportRun, object]:
    today = timezone.localdate()
    run = ReportRun.objects.create(
        kind="evaluation",
        period_start=today - dt.timedelta(days=60),
        period_end=today,
        requested_by=projektleder,
    )
    run.municipalities.set([ishoj])
    return run, family.courses.get()


def _add_visits(course, author, n: int, offset: int) -> None:
    activity = ActivityType.objects.get(code="conversation")
    member = course.family.members.first()
    start = timezone.localdate() - dt.timedelta(days=25)
    for i in range(offset, offset + n):
        day = start + dt.timedelta(days=i % 20)
        visit = Visit.objects.create(
            course=course,
            author=author,
            starts_at=local(day, 9) + dt.timedelta(minutes=i),
            ends_at=local(day, 11) + dt.timedelta(minutes=i),
            place=VisitPlace.HOME,
            minutes=120,
        )
        visit.activities.set([activity])
        FitScore.objects.create(
            visit=visit,
            client=member,
            scale=FitScale.ORS,
            version=FitVersion.ADULT,
            age_years=37,
            item1=Decimal("5"),
            item2=Decimal("5"),
            item3=Decimal("5"),
            item4=Decimal("5"),
            total=Decimal("20"),
        )


def test_queries_do_not_grow_with_the_number_of_visits(
    projektleder, family, ishoj, assigned_worker, django_assert_max_num_queries
) -> None:
    run, course = _small_world(projektleder, family, ishoj)
    _add_visits(course, assigned_worker, 10, 0)
    with CaptureQueriesContext(connection) as ten:
        evaluation.report_context(ReportRun.objects.get(pk=run.pk))
    _add_visits(course, assigned_worker, 90, 10)
    with django_assert_max_num_queries(60), CaptureQueriesContext(connection) as hundred:
        context = evaluation.report_context(ReportRun.objects.get(pk=run.pk))
    assert len(hundred.captured_queries) == len(ten.captured_queries)
    assert context["intensity"]["visits"] == "100"  # the hundred visits were counted


def test_the_runner_stores_the_pdf_as_the_runs_file(world) -> None:
    assert runner.run_build(world.run.pk) == RunStatus.DONE
    run = ReportRun.objects.get(pk=world.run.pk)
    assert (run.status, run.progress, run.error) == (RunStatus.DONE, 100, "")
    stored = ReportFile.objects.get(run=run)
    assert stored.kind == FileKind.PDF and not stored.confidential
    assert stored.name == f"evaluering-202501-202512-{run.pk}.pdf"
    with stored.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF") and stored.size == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
