"""A rådgiver's work with families, in the browser: register, look up, reveal a CPR number —
and what other rådgivere cannot see."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from cases.models import Family
from tests.browser.conftest import UI
from tests.factories.cases import fictional_cpr

pytestmark = pytest.mark.browser

MIN_TOUCH_PX = 44


def dashed(digits: str) -> str:
    return f"{digits[:6]}-{digits[6:]}"


def member_form(page: Page, index: int) -> Locator:
    return page.get_by_test_id("member-form").nth(index)


def fill_member(
    form: Locator,
    *,
    kind: str,
    first: str,
    last: str,
    cpr: str = "",
    born: str = "",
    relation: str = "",
    language: str = "",
    interpreter: bool = False,
) -> None:
    form.get_by_label("Type").select_option(label=kind)
    form.get_by_label("Fornavn").fill(first)
    form.get_by_label("Efternavn").fill(last)
    if cpr:
        form.get_by_label("CPR-nummer").fill(cpr)
    if born:
        form.get_by_label("Fødselsdato").fill(born)
    if relation:
        form.get_by_label("Relation").fill(relation)
    if language:
        form.get_by_label("Sprog").fill(language)
    if interpreter:
        form.get_by_label("Behov for tolk").check()


def assert_touch_size(locator: Locator, what: str) -> None:
    box = locator.bounding_box()
    assert box is not None, f"{what} is not rendered"
    assert box["height"] >= MIN_TOUCH_PX, f"{what} is {box['height']:.0f}px high"


def test_radgiver_creates_family_and_sees_it(ui: UI, radgiver) -> None:
    page = ui.page
    child_cpr = fictional_cpr(dt.date(2017, 6, 12))

    ui.login("radgiver")
    expect(page.get_by_role("heading", name="Goddag, Rikke")).to_be_visible()
    ui.shot("01-forside-tom")

    ui.nav("Familier")
    expect(page.get_by_role("heading", name="Familier", exact=True)).to_be_visible()
    expect(page.get_by_text("Du har ingen familier at se.")).to_be_visible()
    page.get_by_role("link", name="Opret familie").click()
    expect(page.get_by_role("heading", name="Opret familie")).to_be_visible()

    # Tablet: the controls one taps are big enough, the menu button included.
    for name in ("Tilføj person", "Gem familie", "Vis menu"):
        assert_touch_size(page.get_by_role("button", name=name), f"button {name!r}")
    assert_touch_size(page.get_by_role("link", name="Annullér"), "link 'Annullér'")
    assert_touch_size(page.get_by_label("Familiens navn"), "field 'Familiens navn'")
    assert_touch_size(member_form(page, 0).get_by_label("Type"), "select 'Type'")

    page.get_by_label("Familiens navn").fill("Familien Lindqvist")
    expect(page.get_by_label("Kommune")).to_have_value(str(radgiver.organisation_id))
    page.get_by_label("Adresse").fill("Strandvejen 12")
    page.get_by_label("Postnummer").fill("2635")
    page.get_by_label("By", exact=True).fill("Ishøj")

    expect(page.get_by_test_id("member-form")).to_have_count(2)
    fill_member(
        member_form(page, 0),
        kind="Omsorgsperson",
        first="Sara",
        last="Lindqvist",
        born="1987-03-21",
        relation="mor",
        language="svensk",
        interpreter=True,
    )
    # The child's birth date stays empty: it follows from the CPR number.
    fill_member(
        member_form(page, 1),
        kind="Barn",
        first="Emil",
        last="Lindqvist",
        cpr=dashed(child_cpr),
        relation="søn",
    )
    # "Tilføj person" clones the formset's empty form (static/js/app.js).
    page.get_by_role("button", name="Tilføj person").click()
    expect(page.get_by_test_id("member-form")).to_have_count(3)
    expect(page.locator("#id_members-TOTAL_FORMS")).to_have_value("3")
    expect(member_form(page, 2).get_by_label("Type")).to_be_focused()
    fill_member(
        member_form(page, 2), kind="Barn", first="Alma", last="Lindqvist", born="2021-11-02"
    )
    ui.shot("02-opret-familie")
    page.get_by_role("button", name="Gem familie").click()

    # The detail page.
    expect(page.get_by_role("heading", name="Familien Lindqvist")).to_be_visible()
    expect(page.get_by_text("Familien er gemt.")).to_be_visible()
    family = Family.objects.get(name="Familien Lindqvist")
    assert ui.path() == f"/familier/{family.pk}/"
    assert family.caseworker == radgiver
    assert family.members.count() == 3
    emil = family.members.get(first_name="Emil")
    assert emil.birth_date == dt.date(2017, 6, 12)
    assert emil.cpr_digits() == child_cpr

    expect(page.get_by_text("Strandvejen 12, 2635 Ishøj")).to_be_visible()
    emil_row = page.get_by_role("row").filter(has_text="Emil Lindqvist")
    expect(emil_row).to_contain_text("12.06.2017")
    expect(emil_row).to_contain_text("120617-XXXX")
    expect(emil_row).not_to_contain_text(dashed(child_cpr))
    alma_row = page.get_by_role("row").filter(has_text="Alma Lindqvist")
    expect(alma_row).to_contain_text("02.11.2021")
    expect(alma_row.get_by_role("button", name="Vis")).to_have_count(0)
    sara_row = page.get_by_role("row").filter(has_text="Sara Lindqvist")
    expect(sara_row).to_contain_text("svensk · tolk")
    ui.shot("03-familie-detaljer")

    # "Vis" asks the server (htmx POST, audited) for the full number.
    emil_row.get_by_role("button", name="Vis").click()
    expect(emil_row.get_by_test_id("cpr-full")).to_have_text(dashed(child_cpr))
    ui.shot("04-cpr-vist")
    ui.assert_clean()

    ui.nav("Familier")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Familien Lindqvist"))
    expect(row).to_contain_text("Ishøj Kommune")
    expect(row).to_contain_text("Rikke Rådgiver")
    expect(row.get_by_role("cell").nth(3)).to_have_text("2")  # children
    ui.shot("05-familieliste")

    ui.nav("Forside")
    mine = page.get_by_role("region", name="Mine familier")
    expect(mine.get_by_role("link", name="Familien Lindqvist")).to_be_visible()
    mine.get_by_role("link", name="Familien Lindqvist").click()
    expect(page.get_by_role("heading", name="Familien Lindqvist")).to_be_visible()
    ui.assert_clean()


@pytest.mark.parametrize(
    "username", ["vallensbaek", "radgiver2"], ids=["other-municipality", "not-caseworker"]
)
def test_other_radgiver_cannot_see_family(
    ui: UI, family, other_municipality_radgiver, same_municipality_radgiver, username: str
) -> None:
    page = ui.page
    child = family.members.get(first_name="Noah")

    ui.login(username)
    ui.nav("Familier")
    expect(page.get_by_text("Du har ingen familier at se.")).to_be_visible()
    expect(page.get_by_role("link", name=family.name)).to_have_count(0)

    for query in ("Holmgård", "Noah", dashed(child.cpr_digits())):
        page.get_by_label("Navn eller CPR-nummer").fill(query)
        page.get_by_role("button", name="Søg", exact=True).click()
        expect(page.get_by_text("Ingen familier matcher søgningen.")).to_be_visible()
        expect(page.get_by_role("link", name=family.name)).to_have_count(0)
    ui.shot(f"01-soegning-{username}")

    # The address of the family, typed in: not found — not "forbidden", which would tell
    # that the family exists.
    ui.allow_console(r"status of 404")
    response = ui.goto(f"/familier/{family.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Siden findes ikke")).to_be_visible()
    expect(page.get_by_text("Holmgård")).to_have_count(0)
    ui.shot(f"02-404-{username}")
    response = ui.goto(f"/familier/{family.pk}/ret/")
    assert response.status == 404

    # Nor can the CPR number be fetched the way the "Vis" button does it.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    reveal = page.request.post(
        ui.url(f"/familier/{family.pk}/medlem/{child.pk}/cpr/"),
        headers={"X-CSRFToken": csrf, "HX-Request": "true"},
    )
    assert reveal.status == 404
    assert child.cpr_digits()[6:] not in reveal.text()
    ui.assert_clean()


def test_bad_input_keeps_what_was_typed(ui: UI, radgiver) -> None:
    page = ui.page
    too_long = "Familien " + "Langenavn" * 30  # 279 characters, the field allows 200

    ui.login("radgiver")
    ui.goto("/familier/ny/")
    name = page.get_by_label("Familiens navn")
    name.fill(too_long)
    # The browser keeps to the field's maxlength when typing ...
    expect(name).to_have_value(too_long[:200])
    # ... so the server-side check is reached the way an old browser or a script would.
    name.evaluate("(el, value) => { el.value = value; }", too_long)
    page.get_by_label("Adresse").fill("Havnevej 3")
    page.get_by_label("Postnummer").fill("26a5")
    page.get_by_label("By", exact=True).fill("Ishøj")
    fill_member(
        member_form(page, 0),
        kind="Omsorgsperson",
        first="Jonas",
        last="Brandt",
        born="1979-12-01",
        relation="far",
        interpreter=True,
    )
    fill_member(member_form(page, 1), kind="Barn", first="Lea", last="Brandt", cpr="12345")
    page.get_by_role("button", name="Tilføj person").click()
    fill_member(member_form(page, 2), kind="Barn", first="Ib", last="Brandt", born="2019-04-30")
    ui.allow_console(r"status of 400")  # the view answers an invalid form with 400
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Gem familie").click()
    assert posted.value.status == 400
    page.wait_for_load_state()

    expect(page.get_by_test_id("form-errors")).to_contain_text("Formularen er ikke gemt.")
    lea = member_form(page, 1)
    expect(lea.get_by_text("Et CPR-nummer har 10 cifre, fx 010203-1234.")).to_be_visible()
    expect(lea.get_by_label("CPR-nummer")).to_have_class(re.compile(r"\bis-invalid\b"))
    # A CPR number was given, only a wrong one: no second error asking for one.
    expect(lea.get_by_text("Angiv fødselsdato eller CPR-nummer.")).to_have_count(0)
    expect(page.get_by_text("Denne værdi må højst have 200 tegn (den har 279).")).to_be_visible()
    expect(page.get_by_text("Et postnummer har 4 cifre.")).to_be_visible()
    ui.shot("01-fejl")

    # Everything typed is still there — the wrong values too, so they can be corrected.
    expect(name).to_have_value(too_long)
    expect(page.get_by_label("Adresse")).to_have_value("Havnevej 3")
    expect(page.get_by_label("Postnummer")).to_have_value("26a5")
    expect(page.get_by_label("By", exact=True)).to_have_value("Ishøj")
    expect(page.get_by_test_id("member-form")).to_have_count(3)
    jonas = member_form(page, 0)
    expect(jonas.get_by_label("Type")).to_have_value("caregiver")
    expect(jonas.get_by_label("Fornavn")).to_have_value("Jonas")
    expect(jonas.get_by_label("Efternavn")).to_have_value("Brandt")
    expect(jonas.get_by_label("Fødselsdato")).to_have_value("1979-12-01")
    expect(jonas.get_by_label("Relation")).to_have_value("far")
    expect(jonas.get_by_label("Behov for tolk")).to_be_checked()
    expect(lea.get_by_label("Type")).to_have_value("child")
    expect(lea.get_by_label("Fornavn")).to_have_value("Lea")
    expect(lea.get_by_label("CPR-nummer")).to_have_value("12345")
    ib = member_form(page, 2)
    expect(ib.get_by_label("Fornavn")).to_have_value("Ib")
    expect(ib.get_by_label("Fødselsdato")).to_have_value("2019-04-30")
    assert not Family.objects.exists()

    # Corrected, it saves.
    name.fill("Familien Brandt")
    page.get_by_label("Postnummer").fill("2635")
    lea.get_by_label("CPR-nummer").fill("")
    lea.get_by_label("Fødselsdato").fill("2015-08-17")
    page.get_by_role("button", name="Gem familie").click()
    expect(page.get_by_role("heading", name="Familien Brandt")).to_be_visible()
    assert Family.objects.get().members.count() == 3
    ui.assert_clean()


def test_search_by_cpr_does_not_put_cpr_in_url(ui: UI, family) -> None:
    page = ui.page
    digits = family.members.get(first_name="Noah").cpr_digits()
    mette_cpr = family.members.get(first_name="Mette").cpr_digits()

    ui.login("radgiver")
    ui.nav("Familier")
    search = page.get_by_label("Navn eller CPR-nummer")
    for query in (dashed(digits), digits):
        search.fill(query)
        page.get_by_role("button", name="Søg", exact=True).click()
        expect(page.get_by_text("Viser resultatet af en CPR-søgning.")).to_be_visible()
        expect(page.get_by_role("link", name=family.name)).to_be_visible()
        # Not in the address, and not echoed back into the page either.
        assert not re.search(r"\d", ui.path()), ui.path()
        expect(search).to_have_value("")
        assert digits[6:] not in page.content()
        page.get_by_role("button", name="Nulstil søgning").click()
        expect(page.get_by_text("Viser resultatet af en CPR-søgning.")).to_have_count(0)
    ui.shot("01-cpr-soegning")

    # The caregiver's number finds the family too; a valid number of nobody finds nothing.
    search.fill(dashed(mette_cpr))
    page.get_by_role("button", name="Søg", exact=True).click()
    expect(page.get_by_role("link", name=family.name)).to_be_visible()
    search.fill(dashed(fictional_cpr(dt.date(2012, 2, 29))))
    page.get_by_role("button", name="Søg", exact=True).click()
    expect(page.get_by_text("Ingen familier matcher søgningen.")).to_be_visible()

    # No request the browser made carried a CPR number in its URL (the search is a POST).
    assert ui.watch.request_urls
    for url in ui.watch.request_urls:
        path = re.sub(r"^https?://[^/]+", "", url)
        assert digits[:6] not in path and digits[6:] not in path, path
    ui.assert_clean()
