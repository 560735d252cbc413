"""The demo visits (cases/demo_visits.py, loaded by ``demo_load``): a few weeks of mornings,
evenings and Saturdays with FIT for parents and a child, recorded through the service so the
FIT rules raise their alerts, and loaded only once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import AlertKind, FitAlert, FitRater, FitScore, FitVersion, Visit

pytestmark = pytest.mark.django_db


def _demo() -> str:
    out = StringIO()
    call_command("demo_load", stdout=out)
    return out.getvalue()


def test_demo_visits_show_the_week_and_the_fit_rules(settings) -> None:
    settings.DEMO_MODE = True
    output = _demo()

    visits = list(Visit.objects.all())
    assert f"Besøg indlæst: {len(visits)}" in output
    assert len(visits) >= 12
    assert all(v.ends_at <= timezone.now() for v in visits)
    assert any(v.early_minutes for v in visits)
    assert any(v.evening_minutes for v in visits)
    assert any(timezone.localtime(v.starts_at).weekday() == 5 for v in visits)
    scores = FitScore.objects.all()
    assert scores.filter(rater=FitRater.COLLATERAL).exists()
    assert {FitVersion.ADULT} < set(scores.values_list("version", flat=True))  # and a child
    kinds = set(FitAlert.objects.values_list("kind", flat=True))
    assert {AlertKind.ALLIANCE, AlertKind.NO_PROGRESS, AlertKind.IMPROVEMENT} <= kinds

    again = _demo()
    assert "Besøg indlæst: 0" in again
    assert Visit.objects.count() == len(visits)
