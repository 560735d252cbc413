"""A practitioner's own FIT figures across the families they worked with, for supervision
(issue 5, item 6): how the families rated the sessions the practitioner took part in (SRS)
and how the clients' own ORS changed from the first to the latest of those sessions.

It reads visit data, so it lives with the visits (``cases``), not in ``staffing``.

Who sees it: the practitioner themself, and a leader (Perm.STAFF_FIT_VIEW) of the
practitioner's organisation — never another practitioner; everyone else gets 404, so the
page does not reveal that the person exists. Every read is audited (detail
"fit_practitioner"; no family ids: the figures are aggregates).

The rules are those of cases/fit.py, with thresholds from data:

* only ratings the client made themself count (collateral ORS ratings are reported apart);
* the young-child versions (YCORS/YCSRS, 0–5 years) measure engagement only: they are left
  out of the SRS average and of the ORS change figures (as they raise no alerts);
* a client counts when they have ≥ 2 such ORS ratings from sessions the practitioner took
  part in within the period; change is first vs latest of those (reliable change ±5);
  recovery is counted among the clients who started below the clinical cut-off;
* percentages and averages from fewer than ``SMALL_NUMBER_THRESHOLD`` clients (or SRS
  ratings) are not shown: they swing too much to say anything ("for få data").
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from cases import fit
from cases.meeting_schedule import add_months
from cases.models import FitRater, FitScale, FitScore, FitVersion
from familieberedskab.audit import audit_log
from familieberedskab.models import AuditAction
from familieberedskab.permissions import Perm, permissions_of
from staffing.models import PRACTITIONER_ROLES, Role, User

AUDIT_DETAIL = "fit_practitioner"
PERIODS = (3, 6, 12)
DEFAULT_PERIOD = 6


# Access --------------------------------------------------------------------------------------


def may_view(user: User, practitioner: User) -> bool:
    """The practitioner themself, or a leader of the practitioner's organisation."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not practitioner.roles & PRACTITIONER_ROLES:
        return False
    if user.pk == practitioner.pk:
        return True
    return (
        Perm.STAFF_FIT_VIEW in permissions_of(user)
        and user.has_role(Role.LEDER)
        and user.organisation_id is not None
        and user.organisation_id == practitioner.organisation_id
    )


def get_practitioner_for_user(user: User, user_pk: int) -> User:
    """The practitioner whose figures ``user`` may see, else 404 (never 403: the page must
    not reveal whether the person exists). The read is audited."""
    practitioner = User.objects.prefetch_related("role_assignments").filter(pk=user_pk).first()
    if practitioner is None or not may_view(user, practitioner):
        raise Http404
    audit_log(by=user, action=AuditAction.VIEW, obj=practitioner, detail=AUDIT_DETAIL)
    return practitioner


def practitioners_for_leader(user: User) -> QuerySet[User]:
    """The practitioners of a leader's organisation (Perm.STAFF_FIT_VIEW), for picking whose
    figures to see."""
    if Perm.STAFF_FIT_VIEW not in permissions_of(user) or not user.organisation_id:
        return User.objects.none()
    return (
        User.objects.filter(
            organisation_id=user.organisation_id,
            role_assignments__role__in=sorted(PRACTITIONER_ROLES),
        )
        .prefetch_related("role_assignments")
        .distinct()
        .order_by("full_name", "pk")
    )


# Figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    months: int
    since: dt.date
    families: int
    # SRS: the sessions the practitioner took part in, as the clients rated them.
    srs_sessions: int
    srs_ratings: int
    srs_average: Decimal | None  # None: too few ratings to show
    srs_below: int
    srs_below_share: int | None  # whole per cent; None: too few ratings
    srs_limit: Decimal
    # ORS: clients with at least two self-rated ORS (not the young-child version).
    clients: int
    improved: int
    improved_share: int | None
    deteriorated: int
    recovery_base: int  # of the clients, those who started below the cut-off
    recovered: int
    recovered_share: int | None
    threshold: int

    @property
    def too_few_srs(self) -> bool:
        return self.srs_average is None

    @property
    def too_few_clients(self) -> bool:
        return self.improved_share is None


def period_since(months: int, today: dt.date | None = None) -> dt.date:
    return add_months(today or timezone.localdate(), -months)


def _share(part: int, whole: int, threshold: int) -> int | None:
    if whole < threshold or whole == 0:
        return None
    return int((Decimal(100) * part / whole).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def practitioner_figures(
    practitioner: User, *, months: int = DEFAULT_PERIOD, today: dt.date | None = None
) -> Figures:
    """The practitioner's FIT figures over the last ``months`` months: the self-rated scores
    of the visits (at courses of the practitioner's organisation) they took part in. One
    query. The caller has checked access (``get_practitioner_for_user``)."""
    r = fit.rules()
    threshold = settings.SMALL_NUMBER_THRESHOLD
    since = period_since(months, today)
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    rows = (
        FitScore.objects.filter(
            rater=FitRater.SELF,
            visit__staff_participants=practitioner,
            visit__course__provider_id=practitioner.organisation_id,
            visit__starts_at__gte=start,
        )
        .exclude(version=FitVersion.YOUNG_CHILD)
        .order_by("visit__starts_at", "visit_id", "pk")
        .values_list(
            "visit_id", "visit__course__family_id", "client_id", "scale", "age_years", "total"
        )
    )
    families: set[int] = set()
    srs_visits: set[int] = set()
    srs_totals: list[Decimal] = []
    ors: dict[int, list[tuple[int, Decimal]]] = {}
    for visit_id, family_id, client_id, scale, age, total in rows:
        families.add(family_id)
        if scale == FitScale.SRS:
            srs_visits.add(visit_id)
            srs_totals.append(total)
        else:
            ors.setdefault(client_id, []).append((age, total))

    srs_below = sum(1 for t in srs_totals if t < r.alliance_total_below)
    enough_srs = len(srs_totals) >= threshold and srs_totals
    average = (
        (sum(srs_totals, Decimal(0)) / len(srs_totals)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
        if enough_srs
        else None
    )

    clients = improved = deteriorated = recovery_base = recovered = 0
    for ratings in ors.values():
        if len(ratings) < 2:
            continue
        clients += 1
        (_first_age, first), (latest_age, latest) = ratings[0], ratings[-1]
        change = fit.reliable_change(first, latest, r)
        improved += change == fit.Change.IMPROVEMENT
        deteriorated += change == fit.Change.DETERIORATION
        cutoff = fit.cutoff_for_age(latest_age, r)
        if cutoff is not None and first < cutoff:
            recovery_base += 1
            recovered += fit.recovered(first, latest, cutoff, r)

    return Figures(
        months=months,
        since=since,
        families=len(families),
        srs_sessions=len(srs_visits),
        srs_ratings=len(srs_totals),
        srs_average=average,
        srs_below=srs_below,
        srs_below_share=_share(srs_below, len(srs_totals), threshold),
        srs_limit=r.alliance_total_below,
        clients=clients,
        improved=improved,
        improved_share=_share(improved, clients, threshold),
        deteriorated=deteriorated,
        recovery_base=recovery_base,
        recovered=recovered,
        recovered_share=_share(recovered, recovery_base, threshold),
        threshold=threshold,
    )
