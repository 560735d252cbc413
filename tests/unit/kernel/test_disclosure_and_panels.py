import pytest
from django.test import RequestFactory

from familieberedskab import startpage
from familieberedskab.disclosure import suppress
from familieberedskab.permissions import ROLE_PERMISSIONS, Perm
from staffing.models import Role


@pytest.mark.parametrize(("count", "shown"), [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (22, "22")])
def test_suppress_hides_counts_below_threshold(settings, count: int, shown: str) -> None:
    settings.SMALL_NUMBER_THRESHOLD = 5
    assert suppress(count) == shown


def test_suppress_takes_an_explicit_threshold() -> None:
    assert suppress(9, threshold=10) == "<10"


def test_every_role_has_a_permission_entry_and_only_radgiver_changes_families() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role.values)
    changers = [r for r, perms in ROLE_PERMISSIONS.items() if Perm.FAMILY_CHANGE in perms]
    assert changers == [Role.RADGIVER]
    assert Perm.FAMILY_VIEW not in ROLE_PERMISSIONS[Role.PROJEKTLEDER]
    assert Perm.FAMILY_VIEW not in ROLE_PERMISSIONS[Role.ADMINISTRATOR]


def test_start_page_panels_are_ordered_and_none_is_skipped(monkeypatch) -> None:
    monkeypatch.setattr(startpage, "_factories", [])
    startpage.register(lambda request: startpage.Panel("b.html", order=20))
    startpage.register(lambda request: None)
    startpage.register(lambda request: startpage.Panel("a.html", order=10))

    panels = startpage.panels_for(RequestFactory().get("/"))

    assert [p.template for p in panels] == ["a.html", "b.html"]
