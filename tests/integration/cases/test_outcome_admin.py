"""The outcome instruments and norm sets in the admin (administrators only, audited): an
instrument's labels, order and use can change but not its definition; instruments are neither
added nor deleted here; norm bands are checked against the family's scales and each other."""

import pytest
from django.urls import reverse

from cases.models import Instrument, NormBand, NormSet
from familieberedskab.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def instrument_post(**extra) -> dict:
    return {"item_labels": "{}", "is_active": "on", "order": "40", **extra}


def test_administrator_sets_item_labels_but_not_the_definition(client, administrator) -> None:
    who5 = Instrument.objects.get(code="who5")
    definition = who5.definition
    client.force_login(administrator)
    page = client.get(reverse("admin:cases_instrument_change", args=[who5.pk])).content.decode()
    assert "&quot;multiplier&quot;: 4" in page  # the definition, shown read-only (escaped)
    assert 'name="definition"' not in page and 'name="scoring"' not in page

    response = client.post(
        reverse("admin:cases_instrument_change", args=[who5.pk]),
        instrument_post(
            item_labels='{"1": "Glad og i godt humør", "3": " "}',
            order="45",
            definition='{"items": 1}',
            scoring="sdq",
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    who5.refresh_from_db()
    assert who5.item_labels == {"1": "Glad og i godt humør"}  # blank labels dropped
    assert who5.order == 45
    assert who5.definition == definition and who5.scoring == "sum"
    event = AuditEvent.objects.get(object_type="cases.instrument", action=AuditAction.UPDATE)
    assert set(event.fields) == {"item_labels", "order"}


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ('{"6": "Findes ikke"}', "Måleredskabet har ikke punkt 6."),
        ('["en", "to"]', "Skriv etiketterne som"),
        (
            '{"2": ' + '"' + "x" * 121 + '"}',
            "Etiketten til punkt 2 skal være en tekst på højst 120 tegn.",
        ),
    ],
)
def test_bad_item_labels_are_refused(client, administrator, labels, message) -> None:
    who5 = Instrument.objects.get(code="who5")
    client.force_login(administrator)
    response = client.post(
        reverse("admin:cases_instrument_change", args=[who5.pk]),
        instrument_post(item_labels=labels),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    who5.refresh_from_db()
    assert who5.item_labels == {}


def test_instruments_are_not_added_or_deleted_here(client, administrator) -> None:
    client.force_login(administrator)
    pss = Instrument.objects.get(code="pss")
    assert client.get(reverse("admin:cases_instrument_add")).status_code == 403
    assert client.get(reverse("admin:cases_instrument_delete", args=[pss.pk])).status_code == 403
    listing = client.get(reverse("admin:cases_instrument_changelist")).content.decode()
    assert "SDQ – selvrapport (11–17 år)" in listing and "11–17" in listing


def _normset_post(*bands: tuple, **extra) -> dict:
    data = {
        "instrument_family": "who5",
        "code": "fiktiv",
        "name": "Fiktivt sæt (ikke rigtige tal)",
        "source": "",
        "bands-TOTAL_FORMS": str(len(bands)),
        "bands-INITIAL_FORMS": "0",
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "1000",
        **extra,
    }
    for i, (informant, scale, low, high, label, rank) in enumerate(bands):
        data |= {
            f"bands-{i}-informant": informant,
            f"bands-{i}-scale": scale,
            f"bands-{i}-age_min": "0",
            f"bands-{i}-age_max": "150",
            f"bands-{i}-sex": "",
            f"bands-{i}-low": low,
            f"bands-{i}-high": high,
            f"bands-{i}-label": label,
            f"bands-{i}-rank": rank,
        }
    return data


def test_norm_set_with_bands_is_added_and_audited(client, administrator) -> None:
    client.force_login(administrator)
    response = client.post(
        reverse("admin:cases_normset_add"),
        _normset_post(
            ("self", "percentage", "0", "40", "Fiktiv lav", "1"),
            ("self", "percentage", "41", "100", "Fiktiv ok", "0"),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    norm_set = NormSet.objects.get(code="fiktiv")
    assert norm_set.bands.count() == 2
    actions = set(
        AuditEvent.objects.filter(object_type="cases.normset").values_list("action", flat=True)
    )
    assert actions == {AuditAction.CREATE, AuditAction.UPDATE}  # the set, then its bands


def test_bad_bands_are_refused(client, administrator) -> None:
    client.force_login(administrator)
    response = client.post(
        reverse("admin:cases_normset_add"),
        _normset_post(
            ("self", "percentage", "0", "60", "Fiktiv lav", "1"),
            ("self", "percentage", "50", "120", "Fiktiv ok", "0"),
            ("parent", "kindness", "0", "1", "?", "0"),
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "bånd 2: båndet 50–120 ligger uden for skalaens 0–100" in html
    assert "bånd 3: who5 har ingen version, der udfyldes af «parent»" in html
    assert "bånd 3: skalaen «kindness» findes ikke for who5" in html
    assert "bånd 2 overlapper bånd 1 (percentage, self)" in html
    assert not NormSet.objects.filter(code="fiktiv").exists()


def test_norm_set_list_counts_bands_and_practitioners_stay_out(
    client, administrator, assigned_worker
) -> None:
    client.force_login(administrator)
    listing = client.get(reverse("admin:cases_normset_changelist")).content.decode()
    assert "SDQ – britiske 3-båndsgrænser (original)" in listing
    uk = NormSet.objects.get(code="uk_3band")
    assert f'<td class="field-band_count">{NormBand.objects.filter(norm_set=uk).count()}</td>' in (
        listing
    )
    client.force_login(assigned_worker)
    assert client.get(reverse("admin:cases_normset_changelist")).status_code == 302
