"""URL matrix rows for the measurement screens (tests/integration/kernel/test_url_matrix.py).

The course of ``family`` gains its measurement plan and a recorded WHO-5 for Mette; outside
every matrix user's scope: the same on a course of ``other_family`` (Vallensbæk) at another
provider.
"""

import datetime as dt

from django.utils import timezone

from cases import outcome_services as outcomes
from cases.models import Course, FamilyMember, Instrument, Measurement, MeasurementDue, MemberKind
from familieberedskab.permissions import Perm
from tests.factories.cases import CourseFactory, FamilyMemberFactory
from tests.factories.staffing import ProviderFactory
from tests.integration.routes import Route


def _furnish(course: Course, prefix: str, ctx: dict) -> None:
    parent = FamilyMember.objects.filter(family=course.family, kind=MemberKind.CAREGIVER).first()
    if parent is None:
        parent = FamilyMemberFactory(
            family=course.family, kind=MemberKind.CAREGIVER, birth_date=dt.date(1985, 1, 1)
        )
    outcomes.measurements_plan_initial(course=course)
    who5 = Instrument.objects.get(code="who5")
    measurement = Measurement.objects.create(
        course=course,
        instrument=who5,
        occasion="baseline",
        subject=parent,
        measured_on=timezone.localdate() - dt.timedelta(days=5),
        age_years=parent.age_on(timezone.localdate()),
        answers={str(i): 3 for i in range(1, 6)},
        scores={"scales": {"total": 15.0, "percentage": 60.0}, "flags": [], "bands": {}},
        created_by=course.family.caseworker,
    )
    ctx[f"{prefix}_course"] = course
    ctx[f"{prefix}_parent"] = parent
    ctx[f"{prefix}_measurement"] = measurement
    ctx[f"{prefix}_due"] = MeasurementDue.objects.filter(course=course).order_by("pk").first()


def extend_world(ctx: dict) -> None:
    _furnish(ctx["family"].courses.first(), "measure", ctx)
    elsewhere = ProviderFactory(name="Anden udfører (målinger)")
    _furnish(CourseFactory(family=ctx["other_family"], provider=elsewhere), "other_measure", ctx)


def _course(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk}

    return kwargs


def _measurement(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk, "pk": ctx[f"{prefix}_measurement"].pk}

    return kwargs


def _due(prefix: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"course_pk": ctx[f"{prefix}_course"].pk, "pk": ctx[f"{prefix}_due"].pk}

    return kwargs


def _who5(ctx: dict) -> dict:
    return {
        "instrument": "who5",
        "subject": str(ctx["measure_parent"].pk),
        "occasion": "baseline",
        "measured_on": timezone.localdate().isoformat(),
        **{f"item_{i}": "4" for i in range(1, 6)},
    }


ROUTES: dict[str, Route] = {
    "cases:measurement_list": Route(
        perm=Perm.PLAN_VIEW, kwargs=_course("measure"), outside=_course("other_measure")
    ),
    "cases:measurement_detail": Route(
        perm=Perm.PLAN_VIEW,
        kwargs=_measurement("measure"),
        outside=_measurement("other_measure"),
    ),
    "cases:measurement_create": Route(
        perm=Perm.OUTCOME_RECORD,
        method="post",
        ok=302,
        kwargs=_course("measure"),
        outside=_course("other_measure"),
        data=_who5,
    ),
    "cases:measurement_waive": Route(
        perm=Perm.OUTCOME_RECORD,
        method="post",
        ok=302,
        kwargs=_due("measure"),
        outside=_due("other_measure"),
        data={"waived_reason": "Mor ønskede ikke at svare i dag."},
    ),
}
