"""The demo measurements (cases/demo_outcomes.py, loaded by ``demo_load``): a baseline and a
follow-up SDQ for a child and WHO-5/PSS for a parent on the first demo course, a baseline on
the second, recorded through the service so the pre/post section has something to show, and
loaded only once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases import outcome_services as outcomes
from cases.models import Measurement, MeasurementDue, Occasion
from staffing.models import User

pytestmark = pytest.mark.django_db


def _demo() -> str:
    out = StringIO()
    call_command("demo_load", stdout=out)
    return out.getvalue()


def test_demo_measurements_show_pre_post(settings, client) -> None:
    settings.DEMO_MODE = True
    output = _demo()

    measurements = list(Measurement.objects.select_related("instrument"))
    assert f"Målinger indlæst: {len(measurements)}" in output
    courses = {m.course_id for m in measurements}
    assert len(courses) == 2
    first = min(courses)
    codes = {(m.instrument.code, m.occasion) for m in measurements if m.course_id == first}
    assert codes == {
        (code, occasion)
        for code in ("sdq_parent", "who5", "pss")
        for occasion in (Occasion.BASELINE, Occasion.FOLLOW_UP)
    }
    rows = {
        r.instrument.code: r
        for r in outcomes.pre_post([m for m in measurements if m.course_id == first])
    }
    assert rows["who5"].change("percentage") == 28.0 and rows["who5"].meaningful("percentage")
    assert rows["sdq_parent"].change("total") < 0  # fewer difficulties
    assert rows["pss"].change("total") < 0  # less stress
    follow_up = next(
        m
        for m in measurements
        if m.instrument.code == "sdq_parent" and m.occasion == Occasion.FOLLOW_UP
    )
    assert follow_up.scores["missing_items"] == [23]
    # The second course's plan keeps its PSS open for the start page.
    second = max(courses)
    assert MeasurementDue.objects.filter(
        course_id=second, instrument__code="pss", measurement=None
    ).exists()

    client.force_login(User.objects.get(username="behandler"))
    html = client.get(reverse("cases:measurement_list", args=[first])).content.decode()
    assert html.count('data-testid="prepost-person"') == 2
    assert 'class="prepost-after"' in html

    again = _demo()
    assert "Målinger indlæst: 0" in again
    assert Measurement.objects.count() == len(measurements)
