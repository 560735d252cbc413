"""Load a norm table (bands per instrument family, informant, scale, age and sex) from a CSV
file, e.g. a Danish SDQ norm table to be used instead of the published UK bands.

Columns: instrument_family, norm_set_code, norm_set_name, informant, scale, age_min, age_max,
sex, low, high, label, rank (comma or semicolon separated, UTF-8; lines starting with "#" are
comments). Every line is checked
(cases/norms.py) before anything is written; one error refuses the whole file, with the line
numbers. Loading the same file again changes nothing. ``--default`` makes the set the one new
measurements of its family are banded by. A set already used by measurements is never
changed: give a revised table a new code."""

import csv
import io
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_slug
from django.db import transaction

from cases import norms
from cases.models import Measurement, NormBand, NormSet
from familieberedskab.audit import audit_log
from familieberedskab.models import AuditAction

COLUMNS = (
    "instrument_family",
    "norm_set_code",
    "norm_set_name",
    "informant",
    "scale",
    "age_min",
    "age_max",
    "sex",
    "low",
    "high",
    "label",
    "rank",
)
BandKey = tuple[str, str, int, int, str, Decimal, Decimal, str, int]


def _int(value: str, default: int, name: str, problems: list[str]) -> int:
    if not value.strip():
        return default
    try:
        return int(value.strip())
    except ValueError:
        problems.append(f"{name} skal være et helt tal («{value}»)")
        return default


def _score(value: str, name: str, problems: list[str]) -> Decimal:
    try:
        number = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        problems.append(f"{name} skal være et tal («{value}»)")
        return Decimal(0)
    if not number.is_finite() or number != number.quantize(Decimal("0.1")) or abs(number) >= 10000:
        problems.append(f"{name} skal være et tal med højst én decimal («{value}»)")
        return Decimal(0)
    return number


def _key(band: norms.Band | NormBand) -> BandKey:
    return (
        band.informant,
        band.scale,
        band.age_min,
        band.age_max,
        band.sex,
        Decimal(band.low),
        Decimal(band.high),
        band.label.strip(),
        band.rank,
    )


class Command(BaseCommand):
    help = "Indlæs en normtabel (fx danske SDQ-normer) fra en CSV-fil."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="CSV-filen.")
        parser.add_argument(
            "--default",
            action="store_true",
            help="Gør normsættet til standard for sit måleredskab (nye målinger bruger det).",
        )
        parser.add_argument("--source", default="", help="Kilden til tabellen (gemmes på sættet).")

    def handle(self, *args: Any, path: str, default: bool, source: str, **options: Any) -> None:
        rows = self._read(Path(path))
        sets, problems = self._check(rows)
        if default:
            families = defaultdict(list)
            for family, code in sets:
                families[family].append(code)
            for family, codes in families.items():
                if len(codes) > 1:
                    problems.append(
                        f"--default: filen har flere normsæt for {family} ({', '.join(codes)})"
                    )
        problems += self._used_and_changed(sets)
        if problems:
            raise CommandError(
                "Filen er ikke indlæst. Ret disse fejl:\n" + "\n".join(f"  {p}" for p in problems)
            )
        self._save(sets, default=default, source=source.strip())

    def _read(self, path: Path) -> list[tuple[int, dict[str, str]]]:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"Filen findes ikke: {path}") from None
        except UnicodeDecodeError:
            raise CommandError("Filen skal være gemt som UTF-8.") from None
        # Lines starting with "#" are comments (e.g. the table's source); blanked, so that the
        # line numbers in messages stay those of the file.
        lines = ["" if line.lstrip().startswith("#") else line for line in text.splitlines()]
        header = next((line for line in lines if line.strip()), "")
        delimiter = ";" if header.count(";") > header.count(",") else ","
        reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
        fields: list[str] = []
        header_line = 1
        for row in reader:
            if any(cell.strip() for cell in row):
                fields, header_line = [cell.strip() for cell in row], reader.line_num
                break
        missing = [c for c in COLUMNS if c not in fields]
        unknown = [f for f in fields if f not in COLUMNS]
        if missing or unknown:
            parts = []
            if missing:
                parts.append(f"mangler kolonnerne {', '.join(missing)}")
            if unknown:
                parts.append(f"ukendte kolonner {', '.join(unknown)}")
            raise CommandError(f"linje {header_line}: {'; '.join(parts)}")
        rows = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            values = dict(zip(fields, row, strict=False))
            values = {c: values.get(c, "") for c in COLUMNS}
            if len(row) != len(fields):
                values["__extra__"] = "x"
            rows.append((reader.line_num, values))
        if not rows:
            raise CommandError("Filen har ingen bånd.")
        return rows

    def _check(
        self, rows: list[tuple[int, dict[str, str]]]
    ) -> tuple[dict[tuple[str, str], dict[str, Any]], list[str]]:
        known = norms.family_scales()
        sets: dict[tuple[str, str], dict[str, Any]] = {}
        problems: list[str] = []
        for line, values in rows:
            where = f"linje {line}"
            own: list[str] = []
            if "__extra__" in values:
                own.append(f"linjen skal have {len(COLUMNS)} felter")
            family = values["instrument_family"].strip()
            code = values["norm_set_code"].strip()
            name = values["norm_set_name"].strip()
            try:
                validate_slug(code)
                if len(code) > 40:
                    raise ValidationError("too long")
            except ValidationError:
                own.append(f"norm_set_code skal være en kort kode uden mellemrum («{code}»)")
            if not name or len(name) > 200:
                own.append("norm_set_name skal udfyldes (højst 200 tegn)")
            band = norms.Band(
                where=where,
                informant=values["informant"].strip(),
                scale=values["scale"].strip(),
                age_min=_int(values["age_min"], 0, "age_min", own),
                age_max=_int(values["age_max"], norms.MAX_AGE, "age_max", own),
                sex=values["sex"].strip().upper(),
                low=_score(values["low"], "low", own),
                high=_score(values["high"], "high", own),
                label=values["label"].strip(),
                rank=_int(values["rank"], 0, "rank", own),
            )
            own += norms.band_problems(band, family, known)
            entry = sets.setdefault((family, code), {"name": name, "bands": [], "line": line})
            if name and entry["name"] and name != entry["name"]:
                own.append(
                    f"normsættet {code} hedder «{entry['name']}» på linje {entry['line']}, "
                    f"her «{name}»"
                )
            problems += [f"{where}: {p}" for p in own]
            if not own:
                entry["bands"].append(band)
        for entry in sets.values():
            problems += norms.overlaps(entry["bands"])
        return sets, problems

    def _used_and_changed(self, sets: dict[tuple[str, str], dict[str, Any]]) -> list[str]:
        problems = []
        for (family, code), entry in sets.items():
            existing = NormSet.objects.filter(instrument_family=family, code=code).first()
            if existing is None or self._same(existing, entry["bands"]):
                continue
            used = Measurement.objects.filter(norm_set=existing).count()
            if used:
                problems.append(
                    f"normsættet {family}/{code} er brugt i {used} målinger og kan ikke ændres; "
                    "giv den nye tabel en ny norm_set_code"
                )
        return problems

    @staticmethod
    def _same(norm_set: NormSet, bands: list[norms.Band]) -> bool:
        return sorted(map(_key, norm_set.bands.all())) == sorted(map(_key, bands))

    @transaction.atomic
    def _save(
        self, sets: dict[tuple[str, str], dict[str, Any]], *, default: bool, source: str
    ) -> None:
        for (family, code), entry in sets.items():
            norm_set, created = NormSet.objects.get_or_create(
                instrument_family=family, code=code, defaults={"name": entry["name"]}
            )
            changed = []
            if norm_set.name != entry["name"]:
                norm_set.name = entry["name"]
                changed.append("name")
            if source and norm_set.source != source:
                norm_set.source = source[:500]
                changed.append("source")
            if created or not self._same(norm_set, entry["bands"]):
                norm_set.bands.all().delete()
                NormBand.objects.bulk_create(
                    NormBand(
                        norm_set=norm_set,
                        informant=b.informant,
                        scale=b.scale,
                        age_min=b.age_min,
                        age_max=b.age_max,
                        sex=b.sex,
                        low=b.low,
                        high=b.high,
                        label=b.label,
                        rank=b.rank,
                    )
                    for b in entry["bands"]
                )
                changed.append("bands")
            if default and not norm_set.is_default:
                NormSet.objects.filter(instrument_family=family, is_default=True).update(
                    is_default=False
                )
                norm_set.is_default = True
                changed.append("is_default")
            norm_set.save()
            if created or changed:
                audit_log(
                    by=None,
                    action=AuditAction.CREATE if created else AuditAction.UPDATE,
                    obj=norm_set,
                    fields=["name", "bands", "source", "is_default"] if created else changed,
                    values={"code": code, "is_default": norm_set.is_default},
                    detail="norms_load",
                )
            state = "nyt" if created else ("opdateret" if changed else "uændret")
            default_text = ", standard" if norm_set.is_default else ""
            self.stdout.write(
                f"Normsæt {family}/{code}: {len(entry['bands'])} bånd ({state}{default_text})"
            )
            by_sex = sum(1 for b in entry["bands"] if b.sex)
            if by_sex:
                self.stdout.write(
                    f"  Bemærk: {by_sex} bånd gælder kun ét køn. De bruges ikke endnu, fordi "
                    "familiemedlemmers køn ikke registreres; målinger bruger båndene for begge køn."
                )
