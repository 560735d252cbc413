"""The evaluation report for Socialstyrelsen (issue 7, item 2): one PDF per run, in Danish,
built by the Celery task through ``reporting.runner``.

``build`` computes the figures section by section (``reporting.figures``,
``reporting.fidelity``, ``reporting.outcome_figures``, ``reporting.stories``), reporting its
progress between sections (the runner stops it there when someone cancels), protects every
number (``reporting.presentation``), draws the charts (``reporting.charts``) and renders
``templates/reporting/pdf/evaluation.html`` with WeasyPrint. Nothing in it names a person:
no names, CPR numbers, addresses or free text except the consented, anonymised stories.
"""

from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.fit import rules as fit_rules
from cases.models import FidelityElement, Instrument, Measurement, NormSet
from cases.views_plan.print import page_counter
from familieberedskab.pdf import render_pdf
from reporting import fidelity as fidelity_mod
from reporting import figures, outcome_figures, stories
from reporting.charts import Bar, Pair, bar_chart, paired_bar_chart
from reporting.models import FileKind, ReportRun
from reporting.presentation import (
    bars_from_table,
    count,
    count_bar,
    crosstab_table,
    number,
    parts_table,
    share,
    stat,
    summary_row,
    threshold,
)
from reporting.runner import BuiltFile, Progress

TEMPLATE = "reporting/pdf/evaluation.html"


def filename(run: ReportRun) -> str:
    return f"evaluering-{run.period_start:%Y%m}-{run.period_end:%Y%m}-{run.pk}.pdf"


def build(run: ReportRun, progress: Progress) -> list[BuiltFile]:
    """The report's PDF for ``run``."""
    with translation.override(settings.LANGUAGE_CODE):
        context = report_context(run, progress)
        progress(90, _("Skriver PDF-filen"))
        content = render_pdf(TEMPLATE, context)
    return [
        BuiltFile(
            kind=FileKind.PDF,
            name=filename(run),
            content=content,
            content_type="application/pdf",
        )
    ]


def _svg(text: str) -> SafeString:
    # Our own SVG: every label in it is escaped by reporting.charts.
    return mark_safe(text)  # noqa: S308


def report_context(run: ReportRun, progress: Progress | None = None) -> dict[str, Any]:
    """Everything the template prints, protected. ``progress`` is told between sections."""

    def step(percent: int, text: str) -> None:
        if progress is not None:
            progress(percent, text)

    step(2, _("Finder forløbene i perioden"))
    courses = figures.run_courses(run)
    municipalities = figures.municipalities_named(run)
    step(5, _("Tæller henvisninger, afgørelser og familier"))
    volume = _volume(figures.volume(run))
    step(15, _("Beregner ventetider"))
    access = _access(figures.access(run))
    step(25, _("Beregner intensitet"))
    intensity = _intensity(figures.intensity(run))
    step(35, _("Opgør aktiviteter"))
    activities = _activities(figures.activities(run))
    step(45, _("Vurderer de syv obligatoriske elementer"))
    _start, end = figures.period_bounds(run)
    ctx = fidelity_mod.Context(
        period_end=run.period_end, end=end, element_activities=figures.element_activity_ids()
    )
    fidelity = _fidelity(fidelity_mod.fidelity(courses, ctx))
    step(55, _("Beregner FIT-resultater"))
    outcomes: dict[str, Any] = {
        "ors": _ors(outcome_figures.ors(run, courses)),
        "srs": _srs(outcome_figures.srs(run, courses)),
    }
    step(65, _("Sammenligner før- og eftermålinger"))
    outcomes["pre_post"] = _pre_post(outcome_figures.pre_post(run, courses))
    step(72, _("Opgør fremmøde og afslutninger"))
    outcomes["attendance"] = _attendance(outcome_figures.attendance(run, courses))
    outcomes["at_home"] = _at_home(outcome_figures.at_home(run, courses))
    outcomes["closures"] = crosstab_table(outcome_figures.closures(run, courses))
    step(80, _("Anonymiserer forandringsfortællinger"))
    story_count, story_list = stories.consented_stories(run, courses)
    step(85, _("Opgør datakvalitet"))
    completeness = _completeness(figures.completeness(run))
    return {
        "run": run,
        "made_on": timezone.localdate(),
        "municipalities": [m.name for m in municipalities],
        "threshold": threshold(),
        "threshold_below": threshold() - 1,
        "page_counter": page_counter(),
        "volume": volume,
        "access": access,
        "intensity": intensity,
        "activities": activities,
        "fidelity": fidelity,
        "outcomes": outcomes,
        "stories": {"count": count(story_count), "items": story_list},
        "completeness": completeness,
        "methods": _methods(run, courses),
    }


# Sections --------------------------------------------------------------------------------------


def _volume(v: figures.Volume) -> dict[str, Any]:
    tables = {
        "referrals": crosstab_table(v.referrals),
        "decisions": crosstab_table(v.decisions),
        "families_active": crosstab_table(v.families_active),
        "families_started": crosstab_table(v.families_started),
        "families_closed": crosstab_table(v.families_closed),
        "children_active": crosstab_table(v.children_active),
        "children_started": crosstab_table(v.children_started),
    }
    labels = {
        "referrals": _("Henvisninger"),
        "families_active": _("Familier i forløb"),
        "families_started": _("Familier startet"),
        "families_closed": _("Familier afsluttet"),
        "children_active": _("Børn i forløb"),
        "children_started": _("Børn startet"),
    }
    bars = []
    for key, label in labels.items():
        grand = tables[key].grand()
        p = tables[key].protected
        value = None if grand.hidden or p is None else float(p.grand)
        bars.append(Bar(label=label, value=value, text=grand.text))
    chart = bar_chart(bars, label=_("Omfang i perioden"))
    return {**tables, "chart": _svg(chart)}


def _access(a: figures.Access) -> dict[str, Any]:
    rows = [
        summary_row(_("Henvisning til afgørelse"), a.to_decision),
        summary_row(_("Henvisning til team tilknyttet"), a.to_team),
        summary_row(_("Henvisning til forløbets start"), a.to_start),
    ]
    months = [count_bar(f"{day:%Y-%m}", n) for day, n in a.waiting_by_month]
    return {
        "rows": rows,
        "waiting_at_end": count(a.waiting_at_end),
        "waiting_days": summary_row(_("Ventetid indtil nu"), a.waiting_days),
        "waiting_chart": _svg(bar_chart(months, label=_("Venteliste ved månedens udgang"))),
        "acute": share(a.acute_within_24h, a.acute),
    }


def _intensity(i: figures.Intensity) -> dict[str, Any]:
    n = i.courses
    delivered = i.delivered_hours
    shares = [
        (_("Aften (efter kl. 17)"), i.evening_minutes),
        (_("Tidlig morgen (før kl. 8)"), i.early_minutes),
        (_("Weekend"), i.weekend_minutes),
        (_("Uden for hverdage kl. 8–17 i alt"), i.flexible_minutes),
    ]
    share_rows, bars = [], []
    for label, minutes in shares:
        percent = 100 * minutes / i.delivered_minutes if i.delivered_minutes else None
        text = stat(percent, n, 0, " %")
        share_rows.append({"label": label, "percent": text})
        shown = percent is not None and n >= threshold()
        bars.append(Bar(label=label, value=percent if shown else None, text=text))
    per_week_granted = i.per_course_week(i.granted_hours)
    per_week_delivered = i.per_course_week(delivered)
    return {
        "courses": count(n),
        "course_weeks": stat(i.course_weeks, n),
        "visits": count(i.visits),
        "granted": stat(i.granted_hours, n),
        "delivered": stat(delivered, n),
        "granted_per_week": stat(per_week_granted, n),
        "delivered_per_week": stat(per_week_delivered, n),
        "delivered_percent": stat(
            100 * delivered / i.granted_hours if i.granted_hours else None, n, 0, " %"
        ),
        "shares": share_rows,
        "chart": _svg(bar_chart(bars, label=_("Andel af timerne"), max_value=100, unit=" %")),
        "duration": summary_row(_("Afsluttede forløb"), i.durations, unit_days=7),
    }


def _activities(a: figures.Activities) -> dict[str, Any]:
    rows = []
    bars = []
    for row in a.types:
        visits = count(row.visits)
        hidden = visits != str(row.visits)
        rows.append(
            {
                "name": row.name,
                "elements": ", ".join(str(e) for e in row.elements) or "–",
                "visits": visits,
                "percent": "x"
                if hidden
                else (number(100 * row.visits / a.visits, 0) if a.visits else "–"),
                "courses": count(row.courses),
            }
        )
        bars.append(count_bar(row.name, row.visits))
    elements = [
        {
            "element": e.element,
            "label": e.label,
            "visits": count(e.visits),
            "courses": count(e.courses),
        }
        for e in a.elements
    ]
    return {
        "visits": count(a.visits),
        "without": count(a.without_activity),
        "rows": rows,
        "elements": elements,
        "chart": _svg(bar_chart(bars, label=_("Besøg pr. aktivitetstype"))),
    }


def _fidelity(f: fidelity_mod.Fidelity) -> dict[str, Any]:
    criteria = parts_table(
        [_("Opfyldt"), _("Ikke opfyldt")],
        [(f"{c.element}. {c.title}", [j.met, j.applicable - j.met]) for c, j in f.criteria],
    )
    elements = parts_table(
        [_("Praktiseret"), _("Ikke praktiseret")],
        [(f"{e}. {label}", [j.met, j.applicable - j.met]) for e, label, j in f.elements],
    )
    bars = [
        Bar(
            label=f"{e}. {label}",
            value=None if row.cells[0].percent in ("x", "–") else 100 * j.met / j.applicable,
            text=row.cells[0].percent + ("" if row.cells[0].percent in ("x", "–") else " %"),
        )
        for (e, label, j), row in zip(f.elements, elements.rows, strict=True)
    ]
    distribution = crosstab_table(
        figures.Crosstab(
            rows=[str(k) for k in range(len(f.distribution))],
            cols=[_("Forløb")],
            body=[[n] for n in f.distribution],
        )
    )
    return {
        "courses": count(f.courses),
        "criteria": criteria,
        "elements": elements,
        "distribution": distribution,
        "judged_on_all": distribution.grand().text,
        "chart": _svg(
            bar_chart(
                bars, label=_("Andel forløb, der praktiserer elementet"), max_value=100, unit=" %"
            )
        ),
        "distribution_chart": _svg(
            bar_chart(
                bars_from_table(distribution, use_totals=False),
                label=_("Forløb efter antal praktiserede elementer"),
            )
        ),
    }


def _ors(o: outcome_figures.Ors) -> dict[str, Any]:
    change = parts_table(
        [_("Pålidelig fremgang"), _("Ingen pålidelig ændring"), _("Pålidelig tilbagegang")],
        [(_("ORS, første mod seneste"), [o.improved, o.unchanged, o.deteriorated])],
    )
    return {
        "clients": count(o.clients),
        "change": change,
        "recovered": share(o.recovered, o.clinical_start),
        "mean_first": stat(o.mean_first, o.clients),
        "mean_last": stat(o.mean_last, o.clients),
    }


def _srs(s: outcome_figures.Srs) -> dict[str, Any]:
    return {
        "ratings": count(s.ratings),
        "clients": count(s.clients),
        "mean": stat(s.mean, s.clients),
        "below": share(s.below, s.ratings),
    }


def _pre_post(rows: list[outcome_figures.PrePost]) -> dict[str, Any]:
    out = []
    pairs = []
    for r in rows:
        entry: dict[str, Any] = {
            "instrument": r.instrument,
            "scale": r.scale_label,
            "pairs": count(r.pairs),
            "pre": stat(r.mean_pre, r.pairs),
            "post": stat(r.mean_post, r.pairs),
            "direction": _("høj er godt") if r.higher_is_better else _("lav er godt"),
            "threshold": None if r.threshold is None else number(r.threshold, 0),
            "change": None,
        }
        if r.threshold is not None:
            entry["change"] = parts_table(
                [_("Bedre"), _("Uændret"), _("Dårligere")],
                [(r.instrument, [r.better or 0, r.same or 0, r.worse or 0])],
            )
        out.append(entry)
        if r.pairs >= threshold():
            pairs.append(
                Pair(
                    label=f"{r.instrument}",
                    first=r.mean_pre,
                    second=r.mean_post,
                    first_text=entry["pre"],
                    second_text=entry["post"],
                )
            )
    chart = paired_bar_chart(
        pairs, label=_("Gennemsnit før og efter"), legend=(_("Første måling"), _("Seneste måling"))
    )
    return {"rows": out, "chart": _svg(chart)}


def _attendance(a: outcome_figures.Attendance) -> dict[str, Any]:
    return {
        "children": count(a.children),
        "absence_first": stat(a.absence_first, a.children),
        "absence_last": stat(a.absence_last, a.children),
        "unlawful_first": stat(a.unlawful_first, a.children),
        "unlawful_last": stat(a.unlawful_last, a.children),
        "less": share(a.less_absence, a.children),
    }


def _at_home(h: outcome_figures.AtHome) -> dict[str, Any]:
    checks = crosstab_table(
        figures.Crosstab(
            rows=[_("%(months)s måneder efter") % {"months": c.months} for c in h.checks],
            cols=[_("Bor hjemme"), _("Bor ikke hjemme"), _("Ikke registreret endnu")],
            body=[[c.at_home, c.not_at_home, c.not_recorded] for c in h.checks],
        )
    )
    return {
        "closure": share(h.closed_at_home, h.closed_at_home + h.closed_not_at_home),
        "checks": checks,
    }


def _completeness(c: figures.Completeness) -> dict[str, Any]:
    return {
        "measurements": crosstab_table(c.measurements),
        "fit": share(c.visits_with_fit, c.visits),
        "as_of": c.as_of,
    }


# Methods appendix ------------------------------------------------------------------------------


APPROXIMATIONS = [
    # What the report only approximates, in its own words (printed in the methods appendix).
    gettext_lazy(
        "Et besøg tæller i den periode, hvor det begyndte; et besøg hen over periodens grænse "
        "tælles ikke op på de to sider."
    ),
    gettext_lazy(
        "Bevilgede timer er den intensitet, der var gældende hver dag i forløbet (bevillingen og "
        "senere ændringer), ganget med dagene i perioden og delt med 7; leverede timer er "
        "besøgenes varighed. Flere medarbejdere på samme besøg tælles én gang."
    ),
    gettext_lazy(
        "Ventelisten ved en månedsafslutning er genskabt ud fra afgørelsernes historik: en "
        "afgørelse om venteliste, der ikke var erstattet, og hvor familien hverken havde trukket "
        "henvisningen tilbage eller fået et team."
    ),
    gettext_lazy(
        "Afgørelser tælles som den seneste afgørelse på hver henvisning, der er underskrevet i "
        "perioden; en akut afgørelse tælles, når den er underskrevet, også før den anden leders "
        "godkendelse."
    ),
    gettext_lazy(
        "En familie med to forløb i samme målgruppe og kommune i perioden tælles én gang; to "
        "forløb i hver sin målgruppe tælles i begge kolonner."
    ),
    gettext_lazy(
        "FIT: de forventede forløbskurver (ETR) fra FIT-udviklerne er ikke offentlige. Rapporten "
        "bruger kun klinisk grænse og pålidelig ændring (første mod seneste ORS); YCORS for børn "
        "under 6 år måler kun engagement og indgår ikke, og vurderinger fra andre "
        "(fx en forælder om et barn) indgår ikke."
    ),
    gettext_lazy(
        "SDQ-båndene er de britiske tre-båndsgrænser, medmindre et dansk normsæt er indlæst; de er "
        "ikke danske normer."
    ),
    gettext_lazy(
        "Første og seneste måling: den tidligste startmåling (ellers den tidligste) mod den "
        "seneste afslutningsmåling (ellers den seneste efter den første), pr. person og "
        "udfylder."
    ),
    gettext_lazy(
        "Fravær sammenligner barnets første og seneste registrerede fraværsperiode, uanset hvor "
        "lange perioderne er."
    ),
]


def _methods(run: ReportRun, courses: Any) -> dict[str, Any]:
    rules = fit_rules()
    used_norms = Measurement.objects.filter(
        course__in=courses.values("pk"), norm_set__isnull=False
    ).values("norm_set")
    norm_sets = NormSet.objects.filter(is_default=True) | NormSet.objects.filter(pk__in=used_norms)
    instruments = Instrument.objects.filter(is_active=True).order_by("order", "code")
    return {
        "criteria": [
            {
                "code": c.code,
                "element": c.element,
                "element_label": c.element_label,
                "title": str(c.title),
                "definition": str(c.definition),
            }
            for c in fidelity_mod.CRITERIA
        ],
        "elements": [(e, str(FidelityElement(e).label)) for e in FidelityElement.values],
        "cutoffs": [
            {"ages": ages, "cutoff": number(float(cut), 0)}
            for ages, cut in outcome_figures.cutoff_rows()
        ],
        "reliable_change": number(float(rules.reliable_change), 0),
        "alliance_below": number(float(rules.alliance_total_below), 0),
        "child_from_age": rules.child_from_age,
        "norm_sets": [
            {"name": n.name, "source": n.source, "default": n.is_default}
            for n in norm_sets.distinct().order_by("instrument_family", "code")
        ],
        "instruments": [
            {
                "name": i.name,
                "meaningful": ", ".join(
                    f"{number(float(v), 0)}"
                    for v in (i.definition.get("meaningful_change") or {}).values()
                ),
            }
            for i in instruments
        ],
        "approximations": [str(text) for text in APPROXIMATIONS],
        "threshold": threshold(),
        "period_days": (run.period_end - run.period_start).days + 1,
    }
