"""The evaluator's dataset (issue 7, item 3): one row per course and a long table of the
outcome measurements, as CSV and as one XLSX workbook, with the data dictionary beside them.

What it holds and what it never holds:

* Rows are keyed by pseudonyms (reporting/pseudonyms.py): the same course or person has the
  same key in every delivery, and nobody without the project's secret key can compute it.
* No names, CPR numbers, addresses or free text: only codes (municipality code, target
  group, closure reason …), counts, sums and scores. Ages are bands (0–2, 3–5, 6–12, 13–17,
  18+), dates are year-month. The files are marked FORTROLIGT (confidential) in their names
  and in the workbook; only the evaluator role may order and download them.
* The data stop at the period's last day: visits, measurements, closures and checks after it
  are left out, so a delivery for a past period can be made again with the same content.
* The per-course figures are aggregated by the database (one grouped query per topic:
  visits, activities, FIT scores, closures) — never Python loops over visits or scores.
  Fidelity uses the criteria of reporting/fidelity.py and the FIT rules the evaluation
  report uses (reporting/outcome_figures.py), so the dataset and the report agree.

The column lists below are the single source of the files' headers and of the dictionary, so
the two cannot drift apart. The definitions are in Danish whatever the user's language: the
dataset is a delivery to Socialstyrelsen's evaluator, and its format does not change with the
screen language.
"""

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import fit
from cases.models import (
    Closure,
    ClosureReason,
    Course,
    Destination,
    FamilyMember,
    FidelityElement,
    FitRater,
    FitScale,
    FitScore,
    FitVersion,
    Informant,
    IntensityChange,
    Measurement,
    MemberKind,
    Occasion,
    Visit,
)
from reporting import fidelity
from reporting.figures import element_activity_ids, period_bounds, run_courses
from reporting.models import FileKind, ReportRun
from reporting.pseudonyms import pseudonym
from reporting.runner import BuiltFile, Progress
from visitation.models import BorneLinealen, ReferralChild, TargetGroup

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONFIDENTIAL = "FORTROLIGT"

# (lowest age, highest age, label): children's ages at the course's start, a measured
# person's age on the day of the measurement.
AGE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 2, "0-2"),
    (3, 5, "3-5"),
    (6, 12, "6-12"),
    (13, 17, "13-17"),
)
ADULT_BAND = "18+"
POST_CLOSURE_MONTHS = (3, 6, 12)


# Helpers (pure) ------------------------------------------------------------------------------


def age_band(age: int | None) -> str:
    """The band of an age in whole years ("" when unknown or not yet born)."""
    if age is None or age < 0:
        return ""
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return ADULT_BAND


def age_on(birth_date: dt.date, day: dt.date) -> int:
    years = day.year - birth_date.year
    return years - ((day.month, day.day) < (birth_date.month, birth_date.day))


def year_month(value: dt.date | dt.datetime | None) -> str:
    """The year and month ("2026-03") of a date or an instant (in the local time zone);
    "" for none."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return f"{value.year:04d}-{value.month:02d}"


def local_day(value: dt.date | dt.datetime | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value)
    return value


def days_between(
    start: dt.date | dt.datetime | None, end: dt.date | dt.datetime | None
) -> int | None:
    """Whole days from ``start`` to ``end`` (local days); None if either is missing."""
    a, b = local_day(start), local_day(end)
    if a is None or b is None:
        return None
    return (b - a).days


def rounded(value: Any, places: int = 1) -> Decimal | None:
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def share(part: int | None, whole: int | None) -> Decimal | None:
    """part / whole with three decimals; None when there is no whole."""
    if not whole:
        return None
    return rounded(Decimal(part or 0) / Decimal(whole), 3)


def flag(value: bool | None) -> int | None:
    return None if value is None else int(bool(value))


def file_stem(run: ReportRun) -> str:
    return f"{run.period_start:%Y%m%d}-{run.period_end:%Y%m%d}-{run.pk}"


# The columns (the files' headers and the data dictionary) ------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    definition: str
    allowed: str = ""


TEXT, INT, DECIMAL, MONTH, FLAG = "tekst", "heltal", "decimaltal", "år-måned", "0/1"
COURSES, MEASUREMENTS = "Forløb", "Målinger"


def _choices(choices: Iterable[tuple[Any, Any]]) -> str:
    return "; ".join(f"{value} = {label}" for value, label in choices)


def _element_columns() -> list[Column]:
    return [
        Column(
            f"aktiviteter_element_{element.value}",
            INT,
            f"Antal registrerede aktiviteter (besøg × aktivitet) i forløbet til og med "
            f"periodens sidste dag, som praktiserer "
            f"element {element.value} ({element.label}) ifølge aktivitetskataloget. En "
            f"aktivitet kan høre til flere elementer.",
            "0 eller mere",
        )
        for element in FidelityElement
    ]


def _fidelity_columns() -> list[Column]:
    """A flag per fidelity criterion and per element, defined in reporting/fidelity.py (the
    same definitions as the evaluation report's methods appendix)."""
    columns = [
        Column(
            f"troskab_{c.code}",
            FLAG,
            f"Element {c.element} ({c.element_label}) – {c.title}: {c.definition}",
            "1 = opfyldt; 0 = ikke opfyldt; tom = vurderes ikke for forløbet",
        )
        for c in fidelity.CRITERIA
    ]
    columns += [
        Column(
            f"troskab_element_{element.value}",
            FLAG,
            f"Element {element.value} ({element.label}) er praktiseret: alle elementets "
            f"kriterier ovenfor ("
            + ", ".join(f"troskab_{c.code}" for c in fidelity.criteria_of(element.value))
            + ") er opfyldt.",
            "1 = ja; 0 = nej; tom = vurderes ikke for forløbet",
        )
        for element in FidelityElement
        if fidelity.criteria_of(element.value)
    ]
    return columns


def _cutoffs() -> str:
    return ", ".join(f"fra {age} år {cut}" for age, cut in fit.rules().cutoffs)


def course_columns() -> list[Column]:
    months = [
        column
        for m in POST_CLOSURE_MONTHS
        for column in (
            Column(
                f"boern_hjemme_{m}_mdr",
                INT,
                f"Antal børn, der boede hjemme ved opfølgningen {m} måneder efter "
                f"afslutningen (registreret senest periodens sidste dag).",
                "0 eller mere; tom hvis forløbet ikke er afsluttet",
            ),
            Column(
                f"boern_fulgt_op_{m}_mdr",
                INT,
                f"Antal børn, der er fulgt op på {m} måneder efter afslutningen (svaret er "
                f"registreret). Forskellen til boern_vurderet_afslutning er de manglende svar.",
                "0 eller mere; tom hvis forløbet ikke er afsluttet",
            ),
        )
    ]
    return [
        Column(
            "forloeb_id",
            TEXT,
            "Forløbets pseudonym. Det samme forløb har det samme pseudonym i alle "
            "leverancer; det kan ikke regnes ud uden projektets hemmelige nøgle.",
            "C- efterfulgt af 12 tegn",
        ),
        Column("kommunekode", INT, "Den kommune (myndighed), familien hører til.", "101–860"),
        Column(
            "maalgruppe",
            TEXT,
            "Målgruppekategori fra henvisningen. Tom, hvis forløbet ikke er matchet via en "
            "henvisning.",
            _choices(TargetGroup.choices),
        ),
        Column(
            "boernelinealen_max",
            INT,
            "Det højeste niveau på Børnelinealen blandt børnene i henvisningen.",
            _choices(BorneLinealen.choices),
        ),
        Column("antal_boern", INT, "Antal børn i familien.", "0 eller mere"),
        Column("antal_omsorgspersoner", INT, "Antal omsorgspersoner i familien.", "0 eller mere"),
        *[
            Column(
                f"boern_{low}_{high}",
                INT,
                f"Antal børn, der var {low}–{high} år ved forløbets start.",
                "0 eller mere",
            )
            for low, high, _label in AGE_BANDS
        ],
        Column("henvist_maaned", MONTH, "Måned, henvisningen blev sendt.", "ÅÅÅÅ-MM; tom = ukendt"),
        Column(
            "afgjort_maaned", MONTH, "Måned, henvisningen blev afgjort.", "ÅÅÅÅ-MM; tom = ukendt"
        ),
        Column("start_maaned", MONTH, "Måned, forløbet startede.", "ÅÅÅÅ-MM"),
        Column(
            "slut_maaned",
            MONTH,
            "Måned, forløbet sluttede (senest periodens sidste dag).",
            "ÅÅÅÅ-MM; tom = ikke slut",
        ),
        Column(
            "dage_henvisning_afgoerelse",
            INT,
            "Dage fra henvisningen blev sendt, til den blev afgjort.",
            "0 eller mere",
        ),
        Column(
            "dage_afgoerelse_start",
            INT,
            "Dage fra afgørelsen til forløbets start (negativ, hvis forløbet startede akut før "
            "afgørelsen var registreret).",
        ),
        Column(
            "timer_bevilget_start",
            DECIMAL,
            "Bevilget intensitet ved start, timer pr. uge.",
            "0,5–40; tom = ukendt",
        ),
        Column(
            "intensitetsaendringer",
            INT,
            "Antal gange den bevilgede intensitet er skruet op eller ned.",
            "0 eller mere",
        ),
        Column(
            "timer_leveret",
            DECIMAL,
            "Timer leveret i alt (besøgenes varighed), til og med periodens sidste dag.",
            "0 eller mere",
        ),
        Column(
            "andel_aften",
            DECIMAL,
            "Andel af de leverede timer efter kl. 17.",
            "0–1; tom = ingen besøg",
        ),
        Column(
            "andel_tidlig_morgen",
            DECIMAL,
            "Andel af de leverede timer før kl. 8.",
            "0–1; tom = ingen besøg",
        ),
        Column(
            "andel_weekend",
            DECIMAL,
            "Andel af de leverede timer i weekenden.",
            "0–1; tom = ingen besøg",
        ),
        Column("besoeg", INT, "Antal besøg (sessioner).", "0 eller mere"),
        *_element_columns(),
        *_fidelity_columns(),
        Column("fit_sessioner_ors", INT, "Antal besøg med mindst én ORS.", "0 eller mere"),
        Column(
            "ors_klienter",
            INT,
            "Antal personer med mindst to ORS i forløbet, udfyldt af personen selv "
            "(YCORS for børn under 6 år er kun engagement og tælles ikke med).",
            "0 eller mere",
        ),
        Column(
            "ors_foerste_gns",
            DECIMAL,
            "Gennemsnit af personernes første ORS-total (de personer, der tælles i ors_klienter).",
            "0–40; tom = ingen",
        ),
        Column(
            "ors_sidste_gns",
            DECIMAL,
            "Gennemsnit af personernes seneste ORS-total.",
            "0–40; tom = ingen",
        ),
        Column(
            "ors_paalidelig_fremgang",
            INT,
            "Antal personer med pålidelig fremgang (seneste minus første ORS ≥ 5 point).",
            "0 eller mere",
        ),
        Column(
            "ors_paalidelig_tilbagegang",
            INT,
            "Antal personer med pålidelig tilbagegang (første minus seneste ORS ≥ 5 point).",
            "0 eller mere",
        ),
        Column(
            "ors_recovered",
            INT,
            "Antal personer med pålidelig fremgang fra under den kliniske grænse til på eller "
            f"over den (grænse efter alder ved første ORS: {_cutoffs()}).",
            "0 eller mere",
        ),
        Column(
            "srs_gns",
            DECIMAL,
            "Gennemsnitlig SRS-total (alliancen) over alle sessioner.",
            "0–40; tom = ingen SRS",
        ),
        Column(
            "afslutning_aarsag",
            TEXT,
            "Hvorfor forløbet sluttede (afslutningen i kraft, senest periodens sidste dag).",
            _choices(ClosureReason.choices) + "; tom = ikke afsluttet",
        ),
        Column(
            "afslutning_videre",
            TEXT,
            "Hvad familien gik videre til.",
            _choices(Destination.choices) + "; tom = ikke afsluttet",
        ),
        Column(
            "boern_vurderet_afslutning",
            INT,
            "Antal børn, hvor det ved afslutningen er registreret, om de bor hjemme.",
            "0 eller mere; tom hvis forløbet ikke er afsluttet",
        ),
        Column(
            "boern_hjemme_afslutning",
            INT,
            "Antal børn, der boede hjemme ved afslutningen.",
            "0 eller mere; tom hvis forløbet ikke er afsluttet",
        ),
        *months,
    ]


def measurement_columns() -> list[Column]:
    return [
        Column("forloeb_id", TEXT, "Forløbets pseudonym (som i Forløb).", "C- og 12 tegn"),
        Column(
            "person_id",
            TEXT,
            "Pseudonym for den person, målingen handler om. Det samme i alle leverancer.",
            "P- og 12 tegn",
        ),
        Column(
            "maaleredskab",
            TEXT,
            "Måleredskabets kode (version og hvem der udfylder, fx sdq_parent, sdq_teacher, who5).",
        ),
        Column("tidspunkt", TEXT, "Hvornår i forløbet.", _choices(Occasion.choices)),
        Column("maaned", MONTH, "Måned for målingen.", "ÅÅÅÅ-MM"),
        Column(
            "aldersgruppe",
            TEXT,
            "Personens alder på datoen for målingen, i grupper.",
            ", ".join([label for _low, _high, label in AGE_BANDS] + [ADULT_BAND]),
        ),
        Column("udfyldt_af", TEXT, "Hvem der udfyldte skemaet.", _choices(Informant.choices)),
        Column(
            "skala",
            TEXT,
            "Skalaen (fx total, emotional, conduct, percentage): én række pr. skala.",
        ),
        Column(
            "score",
            DECIMAL,
            "Skalaens score efter instrumentets scoringsregel.",
            "tom = kunne ikke scores (for mange manglende svar)",
        ),
        Column(
            "baand",
            TEXT,
            "Scorens bånd i det normsæt, der blev brugt (fx normal, grænse, afvigende).",
            "tom = intet normsæt",
        ),
    ]


def dictionary_rows() -> list[list[str]]:
    """The data dictionary: column, file/sheet, type, definition, allowed values."""
    rows = [["kolonne", "fil_ark", "type", "definition", "tilladte_vaerdier"]]
    for sheet, columns in ((COURSES, course_columns()), (MEASUREMENTS, measurement_columns())):
        rows += [[c.name, sheet, c.type, c.definition, c.allowed] for c in columns]
    return rows


# Reading the database ------------------------------------------------------------------------


def _count(qs: QuerySet, group: str) -> Subquery:
    """A subquery counting the rows of ``qs`` per ``group`` (correlated by the caller)."""
    return Coalesce(
        Subquery(
            qs.order_by().values(group).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def fidelity_context(run: ReportRun, element_ids: dict[int, list[int]]) -> fidelity.Context:
    _start, end = period_bounds(run)
    return fidelity.Context(period_end=run.period_end, end=end, element_activities=element_ids)


def _course_rows(
    run: ReportRun, courses: QuerySet[Course], element_ids: dict[int, list[int]]
) -> list[dict[str, Any]]:
    """One query: each course with its referral's facts, the counts that are a subquery
    each, and the fidelity flags of reporting/fidelity.py."""
    end = run.period_end
    family = OuterRef("family_id")
    course = OuterRef("pk")
    flags = [f"{kind}_{c.code}" for c in fidelity.CRITERIA for kind in ("met", "applies")]
    return list(
        fidelity.course_fidelity(courses.order_by(), fidelity_context(run, element_ids))
        .annotate(
            level_max=Subquery(
                ReferralChild.objects.filter(referral=OuterRef("matching__referral"))
                .order_by()
                .values("referral")
                .annotate(m=Max("level"))
                .values("m")[:1]
            ),
            n_children=_count(
                FamilyMember.objects.filter(family=family, kind=MemberKind.CHILD), "family"
            ),
            n_caregivers=_count(
                FamilyMember.objects.filter(family=family, kind=MemberKind.CAREGIVER), "family"
            ),
            n_changes=_count(
                IntensityChange.objects.filter(course=course, effective_on__lte=end), "course"
            ),
        )
        .values(
            "pk",
            "family_id",
            "start_date",
            "end_date",
            "granted_hours",
            "family__municipality__municipality_code",
            "matching__pk",
            "matching__referral__target_group",
            "matching__referral__submitted_at",
            "matching__referral__decided_at",
            "level_max",
            "n_children",
            "n_caregivers",
            "n_changes",
            *flags,
        )
    )


def _visit_totals(run: ReportRun, ids: QuerySet) -> dict[int, dict[str, Any]]:
    """Per course: visits, minutes (all, evening, early, weekend, flexible), visits with an
    ORS — one grouped query."""
    _start, end = period_bounds(run)
    has_ors = Exists(FitScore.objects.filter(visit=OuterRef("pk"), scale=FitScale.ORS))
    rows = (
        Visit.objects.filter(course__in=ids, starts_at__lt=end)
        .annotate(has_ors=has_ors)
        .order_by()
        .values("course_id")
        .annotate(
            visits=Count("pk"),
            minutes=Sum("minutes"),
            evening=Sum("evening_minutes"),
            early=Sum("early_minutes"),
            weekend=Sum("weekend_minutes"),
            flexible=Sum("flexible_minutes"),
            ors_sessions=Count("pk", filter=Q(has_ors=True)),
        )
    )
    return {row["course_id"]: row for row in rows}


def _activity_totals(
    run: ReportRun, ids: QuerySet, element_ids: dict[int, list[int]]
) -> dict[int, dict[int, int]]:
    """Per course and element: the visits' activities that practise the element — one
    grouped query over the visit–activity links (the catalogue says which practise what)."""
    _start, end = period_bounds(run)
    counted = {e: pks for e, pks in element_ids.items() if pks}
    if not counted:
        return {}
    through = Visit.activities.through
    rows = (
        through.objects.filter(visit__course__in=ids, visit__starts_at__lt=end)
        .order_by()
        .values("visit__course_id")
        .annotate(
            **{
                f"e{e}": Count("pk", filter=Q(activitytype_id__in=pks))
                for e, pks in counted.items()
            }
        )
    )
    return {
        row["visit__course_id"]: {e: row.get(f"e{e}", 0) for e in FidelityElement.values}
        for row in rows
    }


@dataclass
class FitSummary:
    clients: int = 0
    first_sum: Decimal = Decimal(0)
    last_sum: Decimal = Decimal(0)
    improved: int = 0
    deteriorated: int = 0
    recovered: int = 0
    srs_mean: Decimal | None = None

    def first_mean(self) -> Decimal | None:
        return rounded(self.first_sum / self.clients) if self.clients else None

    def last_mean(self) -> Decimal | None:
        return rounded(self.last_sum / self.clients) if self.clients else None


def _fit_summaries(run: ReportRun, ids: QuerySet) -> dict[int, FitSummary]:
    """Per course: the first and latest ORS of each person (their own rating; the young-child
    version, engagement only, left out), found by the database with one grouped query; the
    reliable-change rules of cases/fit.py then apply per person — one row per course and
    person, never per score. The clinical cut-off is the one for the age at the first rating,
    as in the evaluation report (reporting/outcome_figures.py). And the SRS mean per course."""
    _start, end = period_bounds(run)
    rules = fit.rules()
    ors = FitScore.objects.filter(
        visit__course__in=ids, visit__starts_at__lt=end, scale=FitScale.ORS, rater=FitRater.SELF
    ).exclude(version=FitVersion.YOUNG_CHILD)
    same = ors.filter(
        visit__course_id=OuterRef("visit__course_id"), client_id=OuterRef("client_id")
    )
    first = same.order_by("visit__starts_at", "pk")
    last = same.order_by("-visit__starts_at", "-pk")
    pairs = (
        ors.order_by()
        .values("visit__course_id", "client_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .annotate(
            first=Subquery(first.values("total")[:1]),
            last=Subquery(last.values("total")[:1]),
            first_age=Subquery(first.values("age_years")[:1]),
        )
    )
    out: dict[int, FitSummary] = defaultdict(FitSummary)
    for row in pairs:
        summary = out[row["visit__course_id"]]
        first_total, last_total = Decimal(row["first"]), Decimal(row["last"])
        summary.clients += 1
        summary.first_sum += first_total
        summary.last_sum += last_total
        change = fit.reliable_change(first_total, last_total, rules)
        summary.improved += change == fit.Change.IMPROVEMENT
        summary.deteriorated += change == fit.Change.DETERIORATION
        cutoff = fit.cutoff_for_age(row["first_age"], rules)
        summary.recovered += fit.recovered(first_total, last_total, cutoff, rules)
    srs = (
        FitScore.objects.filter(visit__course__in=ids, visit__starts_at__lt=end, scale=FitScale.SRS)
        .order_by()
        .values("visit__course_id")
        .annotate(mean=Avg("total"))
    )
    for row in srs:
        out[row["visit__course_id"]].srs_mean = rounded(row["mean"])
    return dict(out)


def _closures(run: ReportRun, ids: QuerySet) -> dict[int, dict[str, Any]]:
    """Per course: the closure in force by the period's end, with the children at home at
    closure and at the 3/6/12-month checks — one grouped query."""
    end = run.period_end
    checks: dict[str, Any] = {}
    for m in POST_CLOSURE_MONTHS:
        answered = Q(
            checks__months_after=m, checks__checked_on__lte=end, checks__lives_at_home__isnull=False
        )
        checks[f"home_{m}"] = Count(
            "checks", filter=answered & Q(checks__lives_at_home=True), distinct=True
        )
        checks[f"checked_{m}"] = Count("checks", filter=answered, distinct=True)
    rows = (
        Closure.objects.filter(course__in=ids, reopened_at__isnull=True, closed_on__lte=end)
        .order_by()
        .values("course_id", "reason", "destination")
        .annotate(
            assessed=Count("children", distinct=True),
            at_home=Count("children", filter=Q(children__lives_at_home=True), distinct=True),
            **checks,
        )
    )
    return {row["course_id"]: row for row in rows}


def _children_by_family(family_ids: Sequence[int]) -> dict[int, list[dt.date]]:
    born: dict[int, list[dt.date]] = defaultdict(list)
    for family_id, birth_date in FamilyMember.objects.filter(
        family_id__in=family_ids, kind=MemberKind.CHILD
    ).values_list("family_id", "birth_date"):
        born[family_id].append(birth_date)
    return born


# Building the rows ---------------------------------------------------------------------------


def course_table(run: ReportRun, progress: Progress | None = None) -> list[dict[str, Any]]:
    """The rows of ``courses.csv`` (a dict per course, keyed by the column names), sorted by
    the pseudonym — so the order says nothing about when a course began."""
    step = progress or (lambda percent, text: None)
    courses = run_courses(run)
    ids = courses.values("pk")
    step(10, _("Henter forløbene"))
    element_ids = element_activity_ids()  # the catalogue: which activities practise what
    rows = _course_rows(run, courses, element_ids)
    step(25, _("Lægger besøg og timer sammen"))
    visits = _visit_totals(run, ids)
    activities = _activity_totals(run, ids, element_ids)
    step(40, _("Beregner FIT"))
    fits = _fit_summaries(run, ids)
    step(50, _("Henter afslutninger"))
    closures = _closures(run, ids)
    born = _children_by_family([r["family_id"] for r in rows])
    table = [
        _course_row(run, r, visits, activities, fits, closures, born[r["family_id"]]) for r in rows
    ]
    return sorted(table, key=lambda row: row["forloeb_id"])


def _course_row(
    run: ReportRun,
    r: dict[str, Any],
    visits: dict[int, dict[str, Any]],
    activities: dict[int, dict[int, int]],
    fits: dict[int, FitSummary],
    closures: dict[int, dict[str, Any]],
    births: list[dt.date],
) -> dict[str, Any]:
    start = r["start_date"]
    end = r["end_date"] if r["end_date"] and r["end_date"] <= run.period_end else None
    submitted = r["matching__referral__submitted_at"]
    decided = r["matching__referral__decided_at"]
    v = visits.get(r["pk"], {})
    minutes = v.get("minutes") or 0
    n_visits = v.get("visits") or 0
    elements = activities.get(r["pk"], {})
    summary = fits.get(r["pk"], FitSummary())
    closure = closures.get(r["pk"])
    bands = defaultdict(int)
    for birth_date in births:
        bands[age_band(age_on(birth_date, start))] += 1
    row: dict[str, Any] = {
        "forloeb_id": pseudonym("course", r["pk"]),
        "kommunekode": r["family__municipality__municipality_code"],
        "maalgruppe": r["matching__referral__target_group"] or "",
        "boernelinealen_max": r["level_max"],
        "antal_boern": r["n_children"],
        "antal_omsorgspersoner": r["n_caregivers"],
        **{f"boern_{low}_{high}": bands[label] for low, high, label in AGE_BANDS},
        "henvist_maaned": year_month(submitted),
        "afgjort_maaned": year_month(decided),
        "start_maaned": year_month(start),
        "slut_maaned": year_month(end),
        "dage_henvisning_afgoerelse": days_between(submitted, decided),
        "dage_afgoerelse_start": days_between(decided, start),
        "timer_bevilget_start": rounded(r["granted_hours"]),
        "intensitetsaendringer": r["n_changes"],
        "timer_leveret": rounded(Decimal(minutes) / 60),
        "andel_aften": share(v.get("evening"), minutes),
        "andel_tidlig_morgen": share(v.get("early"), minutes),
        "andel_weekend": share(v.get("weekend"), minutes),
        "besoeg": n_visits,
        **{f"aktiviteter_element_{e}": elements.get(e, 0) for e in FidelityElement.values},
        **fidelity_flags(r),
        "fit_sessioner_ors": v.get("ors_sessions") or 0,
        "ors_klienter": summary.clients,
        "ors_foerste_gns": summary.first_mean(),
        "ors_sidste_gns": summary.last_mean(),
        "ors_paalidelig_fremgang": summary.improved,
        "ors_paalidelig_tilbagegang": summary.deteriorated,
        "ors_recovered": summary.recovered,
        "srs_gns": summary.srs_mean,
        "afslutning_aarsag": closure["reason"] if closure else "",
        "afslutning_videre": closure["destination"] if closure else "",
        "boern_vurderet_afslutning": closure["assessed"] if closure else None,
        "boern_hjemme_afslutning": closure["at_home"] if closure else None,
    }
    for m in POST_CLOSURE_MONTHS:
        row[f"boern_hjemme_{m}_mdr"] = closure[f"home_{m}"] if closure else None
        row[f"boern_fulgt_op_{m}_mdr"] = closure[f"checked_{m}"] if closure else None
    return row


def fidelity_flags(r: dict[str, Any]) -> dict[str, int | None]:
    """1/0 per criterion and element, empty where it is not judged for the course (e.g. a
    plan within four weeks, for a course started less than four weeks before the end)."""
    out: dict[str, int | None] = {}
    for c in fidelity.CRITERIA:
        out[f"troskab_{c.code}"] = flag(r[f"met_{c.code}"]) if r[f"applies_{c.code}"] else None
    for element in FidelityElement.values:
        criteria = fidelity.criteria_of(element)
        if not criteria:
            continue
        judged = all(r[f"applies_{c.code}"] for c in criteria)
        practised = all(r[f"met_{c.code}"] for c in criteria)
        out[f"troskab_element_{element}"] = flag(practised) if judged else None
    return out


def measurement_table(run: ReportRun) -> list[dict[str, Any]]:
    """The rows of ``measurements.csv``: one per measurement and scale (long format)."""
    rows = []
    measurements = (
        Measurement.objects.filter(course__in=run_courses(run).values("pk"))
        .filter(measured_on__lte=run.period_end)
        .order_by()
        .values_list(
            "course_id",
            "subject_id",
            "instrument__code",
            "instrument__informant",
            "occasion",
            "measured_on",
            "age_years",
            "scores",
        )
    )
    for course_id, subject_id, code, informant, occasion, day, age, scores in measurements.iterator(
        chunk_size=2000
    ):
        scales = (scores or {}).get("scales") or {}
        bands = (scores or {}).get("bands") or {}
        common = {
            "forloeb_id": pseudonym("course", course_id),
            "person_id": pseudonym("person", subject_id),
            "maaleredskab": code,
            "tidspunkt": occasion,
            "maaned": year_month(day),
            "aldersgruppe": age_band(age),
            "udfyldt_af": informant,
        }
        for scale, score in scales.items():
            band = bands.get(scale) or {}
            rows.append(
                {
                    **common,
                    "skala": scale,
                    "score": None if score is None else rounded(score, 2).normalize(),
                    "baand": band.get("label", ""),
                }
            )
    order = [c.name for c in measurement_columns()]
    return sorted(rows, key=lambda row: tuple(str(row[name]) for name in order))


# Writing the files ---------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def to_csv(columns: Sequence[Column], rows: Iterable[dict[str, Any]]) -> bytes:
    """UTF-8, comma-separated, decimal point, header first; empty cell = missing."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([_cell(row[c.name]) for c in columns])
    return out.getvalue().encode("utf-8")


def _dictionary_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(dictionary_rows())
    return out.getvalue().encode("utf-8")


def readme_lines(run: ReportRun, names: dict[str, str]) -> list[str]:
    codes = ", ".join(
        str(m.municipality_code) for m in run.municipalities.order_by("municipality_code")
    )
    return [
        f"{CONFIDENTIAL} – evaluatorens datasæt for Familieberedskabet",
        f"Periode: {run.period_start:%d.%m.%Y}–{run.period_end:%d.%m.%Y}. "
        f"Kommunekoder: {codes}. Kørsel nr. {run.pk}.",
        "",
        "Datasættet er fortroligt og må kun bruges til evalueringen. Gem det kun der, hvor "
        "evalueringens data må ligge, og send det aldrig med almindelig e-mail.",
        "",
        "Arket »Forløb« har én række pr. forløb, der var i gang i perioden. Arket »Målinger« "
        "har én række pr. måling og skala (langt format). Arket »Dataordbog« forklarer hver "
        "kolonne.",
        "Forløb og personer har pseudonymer (forloeb_id, person_id), der er de samme i alle "
        "leverancer, så forløb kan følges over tid. De kan ikke regnes ud uden projektets "
        "hemmelige nøgle.",
        "Der er ingen navne, CPR-numre, adresser eller fritekst. Alder er i grupper, datoer "
        "er år og måned. Data går til og med periodens sidste dag.",
        "",
        "De samme data som CSV (UTF-8, komma som skilletegn, punktum som decimaltegn, tom "
        "celle = mangler):",
        *[f"  {name}" for name in names.values()],
    ]


def to_xlsx(
    run: ReportRun,
    courses: list[dict[str, Any]],
    measurements: list[dict[str, Any]],
    names: dict[str, str],
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    readme = workbook.active
    readme.title = "Læs mig"
    for line in readme_lines(run, names):
        readme.append([line])
    readme["A1"].font = Font(bold=True, size=14, color="C00000")
    readme.column_dimensions["A"].width = 120
    sheets: list[tuple[str, Sequence[Column], list[dict[str, Any]]]] = [
        (COURSES, course_columns(), courses),
        (MEASUREMENTS, measurement_columns(), measurements),
    ]
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append([c.name for c in columns])
        for row in rows:
            sheet.append([_xlsx_cell(row[c.name]) for c in columns])
        sheet.freeze_panes = "A2"
    dictionary = workbook.create_sheet("Dataordbog")
    for row in dictionary_rows():
        dictionary.append(row)
    for sheet in workbook.worksheets:
        sheet.oddHeader.center.text = CONFIDENTIAL
        sheet.oddFooter.center.text = CONFIDENTIAL
        sheet["A1"].font = Font(bold=True, color=sheet["A1"].font.color)
    readme["A1"].font = Font(bold=True, size=14, color="C00000")
    workbook.properties.title = f"{CONFIDENTIAL} datasæt {file_stem(run)}"
    workbook.properties.creator = "Familieberedskab"
    stamp = dt.datetime.combine(run.period_end, dt.time(0, 0))
    workbook.properties.created = workbook.properties.modified = stamp
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def file_names(run: ReportRun) -> dict[str, str]:
    stem = file_stem(run)
    return {
        FileKind.COURSES_CSV: f"{CONFIDENTIAL}-forloeb-{stem}.csv",
        FileKind.MEASUREMENTS_CSV: f"{CONFIDENTIAL}-maalinger-{stem}.csv",
        FileKind.DICTIONARY: f"{CONFIDENTIAL}-dataordbog-{stem}.csv",
        FileKind.XLSX: f"{CONFIDENTIAL}-datasaet-{stem}.xlsx",
    }


def build(run: ReportRun, progress: Progress) -> list[BuiltFile]:
    """The dataset's four files, all confidential (called by reporting/runner.py)."""
    step: Callable[[int, str], None] = progress
    with translation.override("da"):  # the delivery's language, whatever the screen's
        courses = course_table(run, step)
        step(65, _("Henter målingerne"))
        measurements = measurement_table(run)
        step(80, _("Skriver filerne"))
        names = file_names(run)
        files = [
            BuiltFile(
                FileKind.COURSES_CSV,
                names[FileKind.COURSES_CSV],
                to_csv(course_columns(), courses),
                CSV_TYPE,
                confidential=True,
            ),
            BuiltFile(
                FileKind.MEASUREMENTS_CSV,
                names[FileKind.MEASUREMENTS_CSV],
                to_csv(measurement_columns(), measurements),
                CSV_TYPE,
                confidential=True,
            ),
            BuiltFile(
                FileKind.DICTIONARY,
                names[FileKind.DICTIONARY],
                _dictionary_csv(),
                CSV_TYPE,
                confidential=True,
            ),
        ]
        step(90, _("Skriver regnearket"))
        files.append(
            BuiltFile(
                FileKind.XLSX,
                names[FileKind.XLSX],
                to_xlsx(run, courses, measurements, names),
                XLSX_TYPE,
                confidential=True,
            )
        )
    return files
