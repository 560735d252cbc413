"""Loading a norm table from CSV (``manage.py norms_load``): every line checked before
anything is written, the whole file refused with line numbers on any error, loading twice
changes nothing, ``--default`` bands new measurements by the set, and a set already used by
measurements is never changed. The fixture's numbers are fictional."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases import outcome_services as outcomes
from cases.models import Instrument, NormBand, NormSet
from familieberedskab.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "norms_fictional_sdq.csv"
HEADER = (
    "instrument_family,norm_set_code,norm_set_name,informant,scale,age_min,age_max,sex,"
    "low,high,label,rank"
)


def load(path: Path | str, *args: str) -> str:
    out = StringIO()
    call_command("norms_load", str(path), *args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, *lines: str, header: str = HEADER) -> Path:
    target = tmp_path / "norms.csv"
    target.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return target


def test_fixture_is_marked_fictional() -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    assert text.startswith("# FICTIONAL NUMBERS")
    assert "ikke rigtige tal" in text


def test_loads_a_table_without_making_it_the_default() -> None:
    output = load(FIXTURE)

    norm_set = NormSet.objects.get(code="fiktiv_test")
    assert norm_set.instrument_family == "sdq" and not norm_set.is_default
    assert norm_set.name == "Fiktive testnormer (ikke rigtige tal)"
    assert norm_set.bands.count() == 10
    band = norm_set.bands.get(scale="total", age_min=11, low=13)
    assert (band.age_max, band.high, band.label, band.rank) == (17, 40, "Fiktiv høj", 2)
    assert NormSet.objects.get(code="uk_3band").is_default
    assert "Normsæt sdq/fiktiv_test: 10 bånd (nyt)" in output
    assert "1 bånd gælder kun ét køn" in output
    event = AuditEvent.objects.get(object_type="cases.normset", detail="norms_load")
    assert event.action == AuditAction.CREATE and event.values["code"] == "fiktiv_test"


def test_loading_twice_changes_nothing() -> None:
    load(FIXTURE)
    first = sorted(
        NormBand.objects.filter(norm_set__code="fiktiv_test").values_list("pk", flat=True)
    )

    output = load(FIXTURE)

    again = sorted(
        NormBand.objects.filter(norm_set__code="fiktiv_test").values_list("pk", flat=True)
    )
    assert again == first
    assert "Normsæt sdq/fiktiv_test: 10 bånd (uændret)" in output
    assert AuditEvent.objects.filter(detail="norms_load").count() == 1


def test_default_set_bands_new_measurements(family, assigned_worker) -> None:
    output = load(FIXTURE, "--default", "--source", "Fiktiv kilde")

    assert "(nyt, standard)" in output
    assert set(
        NormSet.objects.filter(instrument_family="sdq", is_default=True).values_list(
            "code", flat=True
        )
    ) == {"fiktiv_test"}
    course = family.courses.get()
    noah = family.members.get(first_name="Noah")  # 10 on the date: the 4–10 bands
    measurement = outcomes.measurement_record(
        by=assigned_worker,
        course=course,
        instrument=Instrument.objects.get(code="sdq_parent"),
        subject=noah,
        occasion="baseline",
        measured_on=timezone.localdate() - dt.timedelta(days=3),
        answers={str(i): 1 for i in range(1, 26)} | {"26": 0},
        informant_member=family.members.get(first_name="Mette"),
    )
    assert measurement.norm_set.code == "fiktiv_test"
    assert measurement.scores["bands"]["total"] == {"label": "Fiktiv høj", "rank": 2}  # 20
    assert "conduct" not in measurement.scores["bands"]  # the table has no conduct bands
    assert NormSet.objects.get(code="fiktiv_test").source == "Fiktiv kilde"


def test_a_file_with_errors_is_refused_whole_with_line_numbers(tmp_path) -> None:
    path = write(
        tmp_path,
        "sdq,ok_set,Sæt,parent,total,0,17,,0,13,Typisk,0",  # line 2: fine
        "nope,ok_set,Sæt,parent,total,0,17,,0,13,Typisk,0",  # 3: no such family
        "sdq,ok_set,Sæt,parent,kindness,0,17,,0,13,Typisk,0",  # 4: no such scale
        "sdq,ok_set,Sæt,friend,total,0,17,,14,16,Grænse,1",  # 5: no such informant
        "sdq,ok_set,Sæt,parent,total,0,17,,30,50,Høj,2",  # 6: beyond 0–40
        "sdq,ok_set,Sæt,parent,emotional,0,17,,5,x,Høj,2",  # 7: not a number
        "sdq,ok_set,Sæt,parent,total,0,17,,10,16,Grænse,1",  # 8: overlaps line 2
        "sdq,ok_set,Andet navn,parent,peer,0,17,,0,2,Typisk,0",  # 9: another name
        "sdq,bad code,Sæt,parent,peer,0,17,X,3,2,,12",  # 10: code, sex, low > high, label, rank
        "sdq,ok_set,Sæt,parent",  # 11: too short
    )

    with pytest.raises(CommandError) as caught:
        load(path)

    message = str(caught.value)
    assert message.startswith("Filen er ikke indlæst. Ret disse fejl:")
    assert "linje 2:" not in message
    assert "linje 3: måleredskabet «nope» findes ikke" in message
    assert "linje 4: skalaen «kindness» findes ikke for sdq" in message
    assert "linje 5: udfyldt af skal være en af parent, teacher, self" in message
    assert "linje 6: båndet 30–50 ligger uden for skalaens 0–40" in message
    assert "linje 7: high skal være et tal («x»)" in message
    assert "linje 8 overlapper linje 2 (total, parent)" in message
    assert "linje 9: normsættet ok_set hedder «Sæt» på linje 2, her «Andet navn»" in message
    line_10 = [p for p in message.splitlines() if "linje 10:" in p]
    assert any("norm_set_code skal være en kort kode" in p for p in line_10)
    assert any("køn skal være tomt (alle), M eller F" in p for p in line_10)
    assert any("fra må ikke være større end til" in p for p in line_10)
    assert any("båndet skal have en tekst" in p for p in line_10)
    assert any("niveau skal være 0–9" in p for p in line_10)
    assert "linje 11: linjen skal have 12 felter" in message
    assert not NormSet.objects.filter(code__in=["ok_set", "bad code"]).exists()
    assert not AuditEvent.objects.filter(detail="norms_load").exists()


def test_columns_are_checked_first(tmp_path) -> None:
    path = write(
        tmp_path,
        "sdq,x,Sæt,parent,total",
        header="instrument_family,norm_set_code,norm_set_name,informant,scale,colour",
    )
    with pytest.raises(CommandError) as caught:
        load(path)
    assert str(caught.value) == (
        "linje 1: mangler kolonnerne age_min, age_max, sex, low, high, label, rank; "
        "ukendte kolonner colour"
    )
    with pytest.raises(CommandError, match=r"Filen har ingen bånd\."):
        load(write(tmp_path))


def test_semicolons_and_decimal_commas(tmp_path) -> None:
    path = write(
        tmp_path,
        "who5;fiktiv;Fiktiv WHO-5 (ikke rigtige tal);self;percentage;18;150;;0;47,5;Fiktiv lav;1",
        "who5;fiktiv;Fiktiv WHO-5 (ikke rigtige tal);self;percentage;18;150;;48;100;Fiktiv ok;0",
        header=HEADER.replace(",", ";"),
    )
    load(path)
    assert NormBand.objects.get(norm_set__code="fiktiv", rank=1).high == 47.5


def test_default_refused_for_two_sets_of_one_family(tmp_path) -> None:
    path = write(
        tmp_path,
        "sdq,a,A (fiktiv),parent,total,0,17,,0,13,Typisk,0",
        "sdq,b,B (fiktiv),parent,total,0,17,,0,13,Typisk,0",
    )
    with pytest.raises(CommandError, match=r"--default: filen har flere normsæt for sdq \(a, b\)"):
        load(path, "--default")
    assert not NormSet.objects.filter(code__in=["a", "b"]).exists()


def test_a_set_used_by_measurements_is_not_changed(tmp_path, family, assigned_worker) -> None:
    load(FIXTURE, "--default")
    outcomes.measurement_record(
        by=assigned_worker,
        course=family.courses.get(),
        instrument=Instrument.objects.get(code="sdq_parent"),
        subject=family.members.get(first_name="Noah"),
        occasion="baseline",
        measured_on=timezone.localdate(),
        answers={str(i): 1 for i in range(1, 26)} | {"26": 0},
        informant_member=family.members.get(first_name="Mette"),
    )
    changed = tmp_path / "changed.csv"
    changed.write_text(
        FIXTURE.read_text(encoding="utf-8").replace("0,11,Fiktiv typisk", "0,10,Fiktiv typisk"),
        encoding="utf-8",
    )

    assert "(uændret, standard)" in load(FIXTURE, "--default")  # the same table: fine
    with pytest.raises(CommandError, match="normsættet sdq/fiktiv_test er brugt i 1 målinger"):
        load(changed)
    assert NormBand.objects.filter(norm_set__code="fiktiv_test", high=11).exists()
