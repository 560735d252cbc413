"""The English catalogue is complete, compiled from the current .po, and actually used.

The source strings are Danish; ``locale/en/LC_MESSAGES/django.po`` is the English translation
(refreshed with ``make messages``). A missing or fuzzy entry would show Danish to an English
user, and a stale ``django.mo`` would show an old translation, so both fail here.
"""

import dataclasses
import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from cases.models import CourseStatus, Family, MemberKind
from staffing.models import OrganisationKind, Role

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

REQUIRE_SERVICES = os.environ.get("FB_REQUIRE_SERVICES") == "1"

# Strings a translator rightly leaves identical to the Danish source: language endonyms,
# the product name and words spelt the same in both languages.
SAME_IN_BOTH = {
    "Dansk",
    "English",
    "Familieberedskab",
    "Administration",
    "Administrator",
    "Match team",
    "Match team – %(name)s",
    "Team",
    "start %(date)s",
    "Person",
    "plan",
    "Plan for %(course)s",
    "Start",
    "Status",
    "Status:",
    "status",
    "Type",
    "type",
    "Version",
    "Version %(n)s",
    "version",
    "version %(n)s",
    "link",
    "organisation",
    "side",
    "Signs of Safety",
    "Note",
    "note",
    "Alliance",
    "Alliance (SRS)",
    "Session",
    "%(name)s, session %(n)s",
    "SRS (%(name)s)",
    "FIT for %(name)s",
    "ORS for %(family)s",
    "FIT",
    "Weekend",
    "Weekend: %(p)s %%",
    "weekend: %(d)s",
    "Status: %(status)s",
    "%(minutes)s min",
    "definition",
    "scoring",
    "total",
    "institution",
    "Evaluator",
    "[institution]",
    "Score",
    "Element",
    "Stop",
}

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclasses.dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = dataclasses.field(default_factory=dict)
    flags: set[str] = dataclasses.field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def _unquote(token: str) -> str:
    """A PO string literal ``"..."`` to its value."""
    body = token.strip()
    assert body.startswith('"') and body.endswith('"'), f"not a PO string: {token!r}"
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), body[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """A small PO parser: enough for Django catalogues (contexts, plurals, flags, obsolete)."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    flags: set[str] = set()
    current: str | None = None
    start = 0

    def flush() -> None:
        nonlocal fields, flags, current
        if "msgid" in fields:
            entry = Entry(
                msgid=fields["msgid"],
                msgctxt=fields.get("msgctxt"),
                msgid_plural=fields.get("msgid_plural"),
                flags=flags,
                line=start,
            )
            for key, value in fields.items():
                if key == "msgstr":
                    entry.msgstr[0] = value
                elif key.startswith("msgstr["):
                    entry.msgstr[int(key[7:-1])] = value
            entries.append(entry)
        fields, flags, current = {}, set(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#~"):
            continue  # obsolete entries are not part of the catalogue
        elif line.startswith("#,"):
            if current is not None and current.startswith("msgstr"):
                flush()
            flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith("#"):
            if current is not None and current.startswith("msgstr"):
                flush()
        elif line.startswith('"'):
            assert current is not None, f"{path}:{number}: continuation line without a keyword"
            fields[current] += _unquote(line)
        else:
            keyword, _, rest = line.partition(" ")
            if (
                keyword in ("msgctxt", "msgid")
                and current is not None
                and current.startswith("msgstr")
            ):
                flush()
            if keyword in ("msgctxt", "msgid") and not fields:
                start = number
            current = keyword
            fields[keyword] = _unquote(rest)
    flush()
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO_PATH.is_file(), f"{PO_PATH} is missing – run `make messages`"
    return parse_po(PO_PATH)


def _header(entries: list[Entry]) -> dict[str, str]:
    header = next(entry for entry in entries if entry.is_header)
    pairs = (line.partition(":") for line in header.msgstr[0].splitlines() if line)
    return {key.strip(): value.strip() for key, _, value in pairs}


def test_po_parser_reads_the_whole_catalogue(entries: list[Entry]) -> None:
    text = PO_PATH.read_text(encoding="utf-8")
    live_msgids = len(re.findall(r"^msgid ", text, flags=re.MULTILINE))
    assert len(entries) == live_msgids
    assert len(entries) > 100  # the app has a couple of hundred strings


def test_po_header_declares_english_utf8_and_plurals(entries: list[Entry]) -> None:
    header = _header(entries)
    assert header["Language"] == "en"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


def test_po_entries_none_untranslated(entries: list[Entry]) -> None:
    untranslated = [
        entry.label
        for entry in entries
        if not entry.is_header
        and (
            not entry.msgstr
            or any(not value for value in entry.msgstr.values())
            or (entry.msgid_plural is not None and sorted(entry.msgstr) != [0, 1])
        )
    ]
    assert untranslated == [], "untranslated entries – run `make messages` and translate them"


def test_po_entries_none_fuzzy(entries: list[Entry]) -> None:
    fuzzy = [entry.label for entry in entries if "fuzzy" in entry.flags]
    assert fuzzy == [], "fuzzy entries are not compiled – review them and remove the flag"


def test_po_entries_translated_not_copied_from_danish(entries: list[Entry]) -> None:
    copied = [
        entry.label
        for entry in entries
        if not entry.is_header
        and entry.msgid_plural is None
        and entry.msgstr.get(0) == entry.msgid
        and entry.msgid not in SAME_IN_BOTH
        and re.search(r"[^\W\d_]", _PLACEHOLDER.sub("", entry.msgid))  # has words to translate
    ]
    assert copied == [], "msgstr equals the Danish msgid – translate it (or extend SAME_IN_BOTH)"


def test_po_placeholders_kept_in_translation(entries: list[Entry]) -> None:
    wrong = []
    for entry in entries:
        if entry.is_header:
            continue
        source = set(_PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural is None:
            if set(_PLACEHOLDER.findall(entry.msgstr.get(0, ""))) != source:
                wrong.append(entry.label)
        else:
            source |= set(_PLACEHOLDER.findall(entry.msgid_plural))
            # English singular may say "One …", but no form may invent a placeholder,
            # and the plural form must keep them all.
            forms = [set(_PLACEHOLDER.findall(value)) for value in entry.msgstr.values()]
            if any(not form <= source for form in forms) or forms[-1] != source:
                wrong.append(entry.label)
    assert wrong == []


def test_po_msgattrib_finds_no_untranslated_or_fuzzy_entries() -> None:
    msgattrib = shutil.which("msgattrib")
    if msgattrib is None:
        if REQUIRE_SERVICES:
            pytest.fail("FB_REQUIRE_SERVICES=1 but gettext's msgattrib is not installed")
        pytest.skip("gettext's msgattrib is not installed")
    for option in ("--untranslated", "--only-fuzzy"):
        result = subprocess.run(  # noqa: S603 – fixed arguments, tool found by shutil.which
            [msgattrib, option, "--no-wrap", str(PO_PATH)],
            capture_output=True,
            text=True,
            check=True,
        )
        # msgattrib prints nothing when no entry matches (the header alone is not printed).
        assert result.stdout.strip() == "", f"msgattrib {option}:\n{result.stdout}"


def test_mo_up_to_date_with_po(entries: list[Entry]) -> None:
    assert MO_PATH.is_file(), f"{MO_PATH} is missing – run `make messages`"
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.info().get("language") == "en"
    stale = []
    for entry in entries:
        if entry.is_header or "fuzzy" in entry.flags or not all(entry.msgstr.values()):
            continue  # header checked above; fuzzy and untranslated entries fail their own tests
        if entry.msgid_plural is not None:
            if entry.msgctxt is None:
                got = {n - 1: compiled.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)}
            else:
                got = {
                    n - 1: compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                    for n in (1, 2)
                }
            if got != entry.msgstr:
                stale.append(entry.label)
        elif entry.msgctxt is not None:
            if compiled.pgettext(entry.msgctxt, entry.msgid) != entry.msgstr[0]:
                stale.append(entry.label)
        elif compiled.gettext(entry.msgid) != entry.msgstr[0]:
            stale.append(entry.label)
    assert stale == [], "django.mo is older than django.po – run `make messages`"


@pytest.mark.parametrize(
    ("danish", "english"),
    [
        ("Familier", "Families"),
        ("Logning", "Audit log"),
        ("Mine familier", "My families"),
        ("Engangskode", "One-time code"),
        ("Familieberedskab", "Familieberedskab"),
    ],
)
def test_gettext_english_when_overridden(danish: str, english: str) -> None:
    with translation.override("en"):
        assert translation.gettext(danish) == english
    with translation.override("da"):
        assert translation.gettext(danish) == danish


def test_choice_labels_english_when_overridden() -> None:
    with translation.override("en"):
        assert str(Role.RADGIVER.label) == "Family caseworker"
        assert str(Role.BEHANDLER.label) == "Family therapist"
        assert str(Role.PAEDAGOG.label) == "Social educator"
        assert str(OrganisationKind.MUNICIPALITY.label) == "Municipality (authority)"
        assert str(MemberKind.CAREGIVER.label) == "Caregiver"
        assert str(CourseStatus.CLOSED.label) == "Closed"
        assert str(Family._meta.verbose_name_plural) == "families"


def test_choice_labels_danish_by_default() -> None:
    with translation.override("da"):
        assert str(Role.RADGIVER.label) == "Familierådgiver"
        assert str(OrganisationKind.MUNICIPALITY.label) == "Kommune (myndighed)"
        assert str(Family._meta.verbose_name_plural) == "familier"


def test_ngettext_english_plural_forms_when_overridden() -> None:
    singular, plural = "%(n)d bruger nulstillet.", "%(n)d brugere nulstillet."
    with translation.override("en"):
        assert translation.ngettext(singular, plural, 1) % {"n": 1} == "1 user reset."
        assert translation.ngettext(singular, plural, 3) % {"n": 3} == "3 users reset."
    with translation.override("da"):
        assert translation.ngettext(singular, plural, 3) % {"n": 3} == "3 brugere nulstillet."


def test_template_blocktranslate_english_when_overridden() -> None:
    template = Template(
        "{% load i18n %}{% translate 'Log ind' %}|"
        "{% blocktranslate with n=2 total=5 %}Side {{ n }} af {{ total }}{% endblocktranslate %}"
    )
    with translation.override("en"):
        assert template.render(Context()) == "Log in|Page 2 of 5"
    with translation.override("da"):
        assert template.render(Context()) == "Log ind|Side 2 af 5"
