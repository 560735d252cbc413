"""FIT alerts in plain Danish: whose, which session, why (each reason code explained with the
numbers from the scores behind it) and what it means — so a practitioner on a tablet can act
on an alert without knowing the rules.

Read-only. :func:`describe` is pure (an alert and the client's scores in, text out);
:func:`describe_alerts` fetches the scores for a list of alerts in one query. Thresholds are
read from ``settings.FIT_RULES`` (cases/fit.py), item labels from ``settings.FIT_ITEM_LABELS``
(the licensed item wording is never shown).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cases import fit
from cases.models import (
    AlertKind,
    AlertLevel,
    Course,
    FitAlert,
    FitRater,
    FitScale,
    FitScore,
)

TONE = {AlertLevel.RED: "danger", AlertLevel.AMBER: "warning", AlertLevel.GOOD: "success"}


@dataclass(frozen=True)
class ScorePoint:
    """One self-rated FIT score of a client, as the alert rules saw it."""

    visit_id: int
    scale: str
    age_years: int
    items: tuple[Decimal, ...]
    total: Decimal


@dataclass(frozen=True)
class AlertText:
    title: str  # "Alliance", "Pålidelig tilbagegang (rød)" …
    who: str  # "Mette, session 4"
    reasons: tuple[str, ...]  # "SRS 34,0 er under 36", "punkt 3 (…): 8,0 er under 9" …
    meaning: str  # what it means and what to do, in plain words
    level: str
    corrected: bool = False  # the scores behind the alert have changed since (a correction)

    @property
    def tone(self) -> str:
        return TONE.get(self.level, "secondary")

    @property
    def is_good_news(self) -> bool:
        return self.level == AlertLevel.GOOD

    @property
    def summary(self) -> str:
        return f"{self.title}: {'; '.join(self.reasons)}" if self.reasons else self.title


@dataclass(frozen=True)
class DescribedAlert:
    alert: FitAlert
    text: AlertText


def num(value: Decimal) -> str:
    """A score or limit in Danish notation: one decimal for scores ("34,0")."""
    return number_format(value, decimal_pos=1)


def limit(value: Decimal) -> str:
    """A threshold as it is written in the rules: "36", or "35,5" when it has decimals."""
    if value == value.to_integral_value():
        return number_format(int(value))
    return num(value)


def signed(value: Decimal) -> str:
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return sign + num(abs(value))


def _title(alert: FitAlert) -> str:
    level = alert.get_level_display().lower()
    if alert.kind == AlertKind.ALLIANCE:
        return _("Alliance")
    if alert.kind == AlertKind.NO_PROGRESS:
        return _("Ingen pålidelig fremgang efter %(n)s sessioner (%(level)s)") % {
            "n": alert.session_number,
            "level": level,
        }
    if alert.kind == AlertKind.DETERIORATION:
        return _("Pålidelig tilbagegang (%(level)s)") % {"level": level}
    if alert.kind == AlertKind.IMPROVEMENT:
        return _("Pålidelig fremgang")
    if alert.kind == AlertKind.RECOVERY:
        return _("Over den kliniske grænse")
    return alert.get_kind_display()


def _meaning(alert: FitAlert, name: str) -> str:
    texts = {
        AlertKind.ALLIANCE: _(
            "%(name)s var ikke helt tilfreds med samarbejdet i denne session. Spørg %(name)s, "
            "hvad I kan gøre anderledes næste gang."
        ),
        AlertKind.NO_PROGRESS: _(
            "%(name)s oplever endnu ikke en tydelig forbedring. Tal med %(name)s og i teamet om, "
            "hvad der skal ændres i indsatsen."
        ),
        AlertKind.DETERIORATION: _(
            "%(name)s oplever, at det går tydeligt dårligere. Tal med %(name)s og i teamet snarest."
        ),
        AlertKind.IMPROVEMENT: _("Godt nyt: %(name)s oplever en tydelig forbedring."),
        AlertKind.RECOVERY: _(
            "Godt nyt: %(name)s er nu over den kliniske grænse – på niveau med mennesker, der "
            "ikke søger hjælp."
        ),
    }
    text = texts.get(alert.kind)
    return text % {"name": name} if text else ""


def _item_label(n: int) -> str:
    labels = settings.FIT_ITEM_LABELS.get("srs", [])
    return labels[n - 1] if 0 < n <= len(labels) else ""


def _alliance_reasons(
    codes: Sequence[str], score: ScorePoint | None, previous: ScorePoint | None, r: fit.FitRules
) -> list[str]:
    lines = []
    for code in codes:
        if code == "total":
            if score:
                lines.append(
                    _("SRS %(total)s er under %(limit)s")
                    % {"total": num(score.total), "limit": limit(r.alliance_total_below)}
                )
            else:
                lines.append(_("SRS under %(limit)s") % {"limit": limit(r.alliance_total_below)})
        elif code.startswith("item") and code[4:].isdigit():
            n = int(code[4:])
            label = _item_label(n)
            head = (
                _("punkt %(n)s (%(label)s)") % {"n": n, "label": label}
                if label
                else (_("punkt %(n)s") % {"n": n})
            )
            if score and 0 < n <= len(score.items):
                lines.append(
                    _("%(item)s: %(value)s er under %(limit)s")
                    % {
                        "item": head,
                        "value": num(score.items[n - 1]),
                        "limit": limit(r.alliance_item_below),
                    }
                )
            else:
                lines.append(
                    _("%(item)s under %(limit)s")
                    % {"item": head, "limit": limit(r.alliance_item_below)}
                )
        elif code == "drop":
            if score and previous:
                lines.append(
                    _("faldet %(drop)s point siden sidst (fra %(before)s til %(now)s)")
                    % {
                        "drop": num(previous.total - score.total),
                        "before": num(previous.total),
                        "now": num(score.total),
                    }
                )
            else:
                lines.append(
                    _("faldet mindst %(drop)s point siden sidst") % {"drop": limit(r.alliance_drop)}
                )
        else:
            lines.append(code)
    return lines


def _progress_reasons(
    alert: FitAlert,
    codes: Sequence[str],
    first: ScorePoint | None,
    score: ScorePoint | None,
    r: fit.FitRules,
) -> list[str]:
    lines = []
    rc = limit(r.reliable_change)
    both = first is not None and score is not None
    values = (
        {
            "first": num(first.total),
            "now": num(score.total),
            "diff": signed(score.total - first.total),
            "rc": rc,
        }
        if both
        else {"rc": rc}
    )
    for code in codes:
        if code.startswith("session") and code[7:].isdigit():
            if both:
                lines.append(
                    _(
                        "ORS fra %(first)s i første session til %(now)s nu (%(diff)s point); "
                        "pålidelig fremgang er mindst %(rc)s point"
                    )
                    % values
                )
            else:
                lines.append(
                    _("ORS er ikke steget mindst %(rc)s point siden første session") % values
                )
        elif code == AlertKind.DETERIORATION:
            if both:
                lines.append(
                    _(
                        "ORS fra %(first)s i første session til %(now)s nu (%(diff)s point); "
                        "pålidelig tilbagegang er et fald på mindst %(rc)s point"
                    )
                    % values
                )
            else:
                lines.append(_("ORS er faldet mindst %(rc)s point siden første session") % values)
        elif code == AlertKind.IMPROVEMENT:
            if both:
                lines.append(
                    _(
                        "ORS fra %(first)s i første session til %(now)s nu (%(diff)s point); "
                        "pålidelig fremgang er mindst %(rc)s point"
                    )
                    % values
                )
            else:
                lines.append(_("ORS er steget mindst %(rc)s point siden første session") % values)
        elif code == AlertKind.RECOVERY:
            cutoff = fit.cutoff_for_age(score.age_years, r) if score else None
            if both and cutoff is not None:
                lines.append(
                    _(
                        "ORS fra %(first)s (under grænsen på %(cut)s) til %(now)s (på eller over "
                        "grænsen) med pålidelig fremgang"
                    )
                    % {**values, "cut": limit(cutoff)}
                )
            else:
                lines.append(_("ORS er nu på eller over den kliniske grænse"))
        else:
            lines.append(code)
    return lines


def describe(
    alert: FitAlert, history: Sequence[ScorePoint], r: fit.FitRules | None = None
) -> AlertText:
    """The alert in plain Danish. ``history`` is the client's self-rated scores on the alert's
    course in session order (both scales), as ``fit_alerts_evaluate`` saw them; where the
    scores behind the alert have been corrected since, the reasons are given without
    numbers and ``corrected`` is set."""
    r = r or fit.rules()
    name = alert.client.first_name
    scale = FitScale.SRS if alert.kind == AlertKind.ALLIANCE else FitScale.ORS
    same_scale = [p for p in history if p.scale == scale]
    index = next((i for i, p in enumerate(same_scale) if p.visit_id == alert.visit_id), None)
    score = same_scale[index] if index is not None else None
    codes = [str(c) for c in alert.reasons or []]
    if alert.kind == AlertKind.ALLIANCE:
        previous = same_scale[index - 1] if index else None
        reasons = _alliance_reasons(codes, score, previous, r)
    else:
        first = same_scale[0] if same_scale and index is not None else None
        reasons = _progress_reasons(alert, codes, first, score, r)
    return AlertText(
        title=_title(alert),
        who=_("%(name)s, session %(n)s") % {"name": name, "n": alert.session_number},
        reasons=tuple(reasons),
        meaning=_meaning(alert, name),
        level=alert.level,
        corrected=score is None,
    )


def histories(alerts: Iterable[FitAlert]) -> dict[tuple[int, int], list[ScorePoint]]:
    """The self-rated scores behind these alerts, per (course, client), in the order the
    alert rules read them. One query, however many alerts."""
    alerts = list(alerts)
    if not alerts:
        return {}
    rows = (
        FitScore.objects.filter(
            visit__course_id__in={a.course_id for a in alerts},
            client_id__in={a.client_id for a in alerts},
            rater=FitRater.SELF,
        )
        .order_by("visit__starts_at", "visit_id", "pk")
        .values_list(
            "visit__course_id",
            "client_id",
            "visit_id",
            "scale",
            "age_years",
            "item1",
            "item2",
            "item3",
            "item4",
            "total",
        )
    )
    found: dict[tuple[int, int], list[ScorePoint]] = {}
    for course_id, client_id, visit_id, scale, age, i1, i2, i3, i4, total in rows:
        found.setdefault((course_id, client_id), []).append(
            ScorePoint(visit_id, scale, age, (i1, i2, i3, i4), total)
        )
    return found


def describe_alerts(alerts: Iterable[FitAlert]) -> list[DescribedAlert]:
    """Each alert with its text (the alerts need ``client`` loaded). One query."""
    alerts = list(alerts)
    found = histories(alerts)
    r = fit.rules()
    return [
        DescribedAlert(a, describe(a, found.get((a.course_id, a.client_id), []), r)) for a in alerts
    ]


# Reads ---------------------------------------------------------------------------------------

LEVEL_ORDER = Case(
    When(level=AlertLevel.RED, then=Value(0)),
    When(level=AlertLevel.AMBER, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def open_alerts_qs(course: Course | int) -> QuerySet[FitAlert]:
    """The course's open alerts: red first, then amber, then good news; newest first."""
    return (
        FitAlert.objects.filter(course=course, acknowledged_at__isnull=True)
        .select_related("client", "visit")
        .annotate(level_order=LEVEL_ORDER)
        .order_by("level_order", "-visit__starts_at", "-pk")
    )


def acknowledged_alerts_qs(course: Course | int) -> QuerySet[FitAlert]:
    """The course's acknowledged alerts, the latest acknowledged first."""
    return (
        FitAlert.objects.filter(course=course, acknowledged_at__isnull=False)
        .select_related("client", "visit", "acknowledged_by")
        .order_by("-acknowledged_at", "-pk")
    )


def open_alerts(course: Course | int) -> list[DescribedAlert]:
    """The course's open alerts with their text, for the course page's partial
    (``cases/_partials/course_alerts.html``). Two queries. The caller has checked access
    (Perm.VISIT_VIEW on the course)."""
    return describe_alerts(open_alerts_qs(course))
