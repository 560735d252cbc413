"""The family's network in the browser, at the kitchen table (tablet, 820×1180): a
familiebehandler opens the network from the course card, adds Noah's teacher and his
grandmother with how they relate to the family, sees them drawn on the network map, saves
the map as it stands today with the family's own words, and records a network meeting with
who took part and what the family said."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from cases.models import NetworkKind, NetworkMeeting, NetworkMember, NetworkSnapshot
from tests.browser.conftest import UI

pytestmark = pytest.mark.browser

MIN_TOUCH_PX = 44
MAP_WORDS = "Mormor er vores klippe. Skolen hjælper mere, end vi troede."
MEETING_WORDS = "Det var godt at sidde alle sammen. Noah var glad for, at Sara kom."


def assert_touch_size(locator: Locator, what: str) -> None:
    box = locator.bounding_box()
    assert box is not None, f"{what} is not rendered"
    assert box["height"] >= MIN_TOUCH_PX, f"{what} is {box['height']:.0f}px high"
    assert box["width"] >= MIN_TOUCH_PX, f"{what} is {box['width']:.0f}px wide"


@pytest.fixture
def named_team(assigned_worker, team_colleague):
    assigned_worker.full_name = "Bo Behandler"
    assigned_worker.save(update_fields=["full_name"])
    team_colleague.full_name = "Pia Pædagog"
    team_colleague.save(update_fields=["full_name"])
    return assigned_worker, team_colleague


def add_person(
    page: Page,
    *,
    name: str,
    kind: str,
    closeness: str,
    support: str,
    relations: dict[str, str],
) -> None:
    form = page.locator("#network-member-form")
    form.get_by_label("Navn").fill(name)
    form.get_by_label("Hvem er det").select_option(label=kind)
    form.get_by_label("Hvor tæt på familien").select_option(closeness)
    form.get_by_label("Støtte i dag").fill(support)
    for member, relation in relations.items():
        form.get_by_label(f"Relation til {member}").fill(relation)
    form.get_by_role("button", name="Tilføj til netværket").click()
    expect(page.get_by_text("Personen er føjet til netværket.")).to_be_visible()


def person(page: Page, name: str) -> Locator:
    return page.get_by_test_id("network-member").filter(
        has=page.get_by_role("strong").get_by_text(name, exact=True)
    )


def test_familiebehandler_maps_the_network_with_the_family(
    ui: UI, family, named_team, radgiver
) -> None:
    page = ui.page
    course = family.courses.get()
    today = timezone.localdate()

    # 1. From the course card to the network: nobody is on it yet.
    ui.login("behandler")
    page.get_by_role("region", name="Mine forløb").get_by_role(
        "link", name="Familien Holmgård"
    ).click()
    link = page.get_by_test_id("course").get_by_role("link", name="Netværk", exact=True)
    assert_touch_size(link, "link 'Netværk'")
    link.click()
    expect(page.get_by_role("heading", name="Familiens netværk", level=1)).to_be_visible()
    expect(page.get_by_test_id("network-empty")).to_be_visible()
    form = page.locator("#network-member-form")
    for label in ("Navn", "Hvem er det", "Hvor tæt på familien", "Relation til Noah Holmgård"):
        assert_touch_size(form.get_by_label(label), f"field {label!r}")
    add_button = form.get_by_role("button", name="Tilføj til netværket")
    assert_touch_size(add_button, "button 'Tilføj til netværket'")
    ui.shot("01-tomt-netvaerk")

    # 2. Noah's teacher (a professional) and his grandmother (family).
    add_person(
        page,
        name="Sara Lund",
        kind="Skole",
        closeness="3",
        support="Ringer til Mette, hvis Noah ikke kommer i skole.",
        relations={"Noah Holmgård": "klasselærer"},
    )
    add_person(
        page,
        name="Mormor Inge",
        kind="Familie",
        closeness="5",
        support="Henter Noah om fredagen.",
        relations={"Mette Holmgård": "mor", "Noah Holmgård": "mormor"},
    )

    # 3. Both on the list, nearest first, with their relations and support.
    expect(page.get_by_test_id("network-member")).to_have_count(2)
    expect(page.get_by_test_id("network-member").first).to_contain_text("Mormor Inge")
    sara = person(page, "Sara Lund")
    expect(sara).to_contain_text("Skole")
    expect(sara).to_contain_text("tæthed 3 af 5")
    expect(sara).to_contain_text("Noah Holmgård: klasselærer")
    expect(sara).to_contain_text("Ringer til Mette, hvis Noah ikke kommer i skole.")
    inge = person(page, "Mormor Inge")
    expect(inge).to_contain_text("tæthed 5 af 5")
    expect(inge).to_contain_text("Mette Holmgård: mor")
    expect(inge).to_contain_text("Noah Holmgård: mormor")
    for button in (
        sara.get_by_role("link", name=re.compile(r"^Ret\b.*Sara Lund$")),
        sara.get_by_role("button", name=re.compile(r"^Fjern\b.*Sara Lund$")),
    ):
        assert_touch_size(button, f"{button.text_content()!r} on a person")

    # 4. Drawn on the map: the teacher as a professional, the grandmother as family.
    live_map = page.get_by_test_id("network-map").get_by_role(
        "img", name="Netværkskort for Familien Holmgård"
    )
    expect(live_map).to_be_visible()
    expect(live_map.locator("text").filter(has_text="Sara Lund")).to_have_count(1)
    expect(live_map.locator("text").filter(has_text="Mormor Inge")).to_have_count(1)
    expect(live_map.locator("rect.network-professional > title")).to_have_text(
        "Sara Lund – Noah Holmgård: klasselærer"
    )
    expect(live_map.locator("circle.network-private > title")).to_have_text(
        "Mormor Inge – Mette Holmgård: mor; Noah Holmgård: mormor"
    )
    ui.shot("02-netvaerkskort")

    # 5. The map as it stands today, with the family's own words about their network.
    snapshot_form = page.get_by_test_id("network-snapshot-form")
    expect(snapshot_form.get_by_label("Dato")).to_have_value(today.isoformat())
    snapshot_form.get_by_label("Note").fill("Ved opstart")
    words = snapshot_form.get_by_label("Familiens egne ord om netværket")
    assert_touch_size(words, "textarea 'Familiens egne ord om netværket'")
    words.fill(MAP_WORDS)
    save_map = snapshot_form.get_by_role("button", name="Gem netværkskort")
    assert_touch_size(save_map, "button 'Gem netværkskort'")
    save_map.click()
    expect(page.get_by_text("Netværkskortet er gemt.")).to_be_visible()
    expect(
        page.get_by_role("heading", name=f"Netværkskort {today:%d.%m.%Y}", level=1)
    ).to_be_visible()
    expect(page.get_by_test_id("network-snapshot-meta")).to_have_text(
        "Gemt af Bo Behandler · Ved opstart"
    )
    words_region = page.get_by_role("region", name="Familiens egne ord om netværket")
    expect(words_region.locator("figcaption")).to_have_text("Familiens egne ord")
    expect(words_region.get_by_test_id("network-snapshot-family-words")).to_have_text(MAP_WORDS)
    saved_map = page.get_by_test_id("network-map").get_by_role("img")
    expect(saved_map.locator("text").filter(has_text="Sara Lund")).to_have_count(1)
    expect(saved_map.locator("text").filter(has_text="Mormor Inge")).to_have_count(1)
    ui.shot("03-gemt-netvaerkskort")

    # 6. Back on the network: the saved map is listed, its words shown as the family's.
    page.get_by_role("link", name="Netværk", exact=True).click()  # the breadcrumb
    snapshot_link = page.get_by_test_id("network-snapshots").get_by_role(
        "link", name=f"Netværkskort {today:%d.%m.%Y}"
    )
    assert_touch_size(snapshot_link, "link to the saved map")
    latest = page.get_by_test_id("network-latest-family-words")
    expect(latest.locator("figcaption")).to_have_text(
        f"Familiens egne ord · fra netværkskortet {today:%d.%m.%Y}"
    )
    expect(latest.get_by_test_id("family-words-text")).to_have_text(MAP_WORDS)

    # 7. A network meeting: who took part, what was agreed, what the family said.
    meeting_link = page.get_by_role("link", name="Registrér netværksmøde")
    assert_touch_size(meeting_link, "link 'Registrér netværksmøde'")
    meeting_link.click()
    expect(page.get_by_role("heading", name="Registrér netværksmøde", level=1)).to_be_visible()
    form = page.locator("#network-meeting-form")
    expect(form.get_by_label("Mødedato")).to_have_value(today.isoformat())
    for who in ("Sara Lund", "Mormor Inge", "Mette Holmgård", "Bo Behandler", "Rikke Rådgiver"):
        row = form.locator(".form-check").filter(has=page.get_by_label(who, exact=True))
        assert_touch_size(row, f"checkbox row {who!r}")
        row.get_by_label(who, exact=True).check()
    form.get_by_label("Hvad blev aftalt").fill(
        "Mormor henter Noah om fredagen. Sara ringer til Mette ved fravær."
    )
    form.get_by_label("Familiens egne ord om mødet").fill(MEETING_WORDS)
    ui.shot("04-netvaerksmoede")
    save = page.get_by_role("button", name="Gem mødet")
    assert_touch_size(save, "button 'Gem mødet'")
    save.click()

    expect(page.get_by_text("Netværksmødet er gemt.")).to_be_visible()
    meeting = page.get_by_test_id("network-meeting")
    expect(meeting).to_have_count(1)
    expect(meeting).to_contain_text(f"{today:%d.%m.%Y}")
    expect(meeting).to_contain_text("Mette Holmgård")
    expect(meeting).to_contain_text("Sara Lund")
    expect(meeting).to_contain_text("Mormor Inge")
    expect(meeting).to_contain_text("Bo Behandler")
    expect(meeting).to_contain_text("Rikke Rådgiver")
    expect(meeting).to_contain_text("Mormor henter Noah om fredagen.")
    expect(meeting.locator("figcaption")).to_have_text("Familiens egne ord")
    expect(meeting.get_by_test_id("network-meeting-family-words")).to_have_text(MEETING_WORDS)
    ui.shot("05-netvaerk-med-moede")

    members = {m.name: m for m in NetworkMember.objects.filter(family=family)}
    assert members["Sara Lund"].kind == NetworkKind.SCHOOL and members["Sara Lund"].is_professional
    assert members["Mormor Inge"].kind == NetworkKind.RELATIVE
    assert members["Mormor Inge"].closeness == 5
    snapshot = NetworkSnapshot.objects.get(family=family)
    assert snapshot.family_perspective == MAP_WORDS
    assert {p["name"] for p in snapshot.data} == {"Sara Lund", "Mormor Inge"}
    saved = NetworkMeeting.objects.get(course=course)
    assert saved.family_perspective == MEETING_WORDS
    assert {m.name for m in saved.network_participants.all()} == {"Sara Lund", "Mormor Inge"}
    assert {str(m) for m in saved.family_participants.all()} == {"Mette Holmgård"}
    assert {u.username for u in saved.staff_participants.all()} == {"behandler", "radgiver"}
    ui.assert_clean()
