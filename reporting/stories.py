"""Stories of change (Most Significant Change) for the evaluation report, anonymised.

Only stories whose teller consented to anonymised use in reports are taken. In the title,
the story and why it matters, every name the app knows around the family is replaced by a
neutral word — the family's members ("[barn]", "[forælder]"), the family's name, its network,
its team, the children's institutions and contact people, the family's address — and so are
dates, CPR-like numbers, phone numbers and e-mail addresses. The story is dated by year and
month only, and the teller named by role. This is a safeguard, not a guarantee: the team that
records a story is asked to leave identifying details out (the consent covers that use).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cases.models import (
    ChangeStory,
    Course,
    Family,
    FamilyMember,
    Institution,
    MemberKind,
    NetworkMember,
    TeamAssignment,
)
from reporting.models import ReportRun

MAX_STORIES = 10
MONTHS = (
    "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Order matters: CPR numbers before dates, dates before plain numbers.
_PATTERNS = [
    (re.compile(r"(?<!\d)\d{6}\s?-?\s?\d{4}(?!\d)"), "[cpr]"),
    (re.compile(r"(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d)"), "[dato]"),
    (re.compile(r"(?<!\d)\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?(?!\d)"), "[dato]"),
    (
        re.compile(rf"(?<!\w)\d{{1,2}}\.?\s*(?:{MONTHS})\.?(?:\s+\d{{4}})?(?!\w)", re.IGNORECASE),
        "[dato]",
    ),
    (re.compile(r"(?<!\d)(?:\+45\s?)?\d{2}\s?\d{2}\s?\d{2}\s?\d{2}(?!\d)"), "[nummer]"),
]


@dataclass(frozen=True)
class Story:
    month: str  # "2025-03"
    domain: str
    teller: str
    title: str
    story: str
    why: str


def anonymise(text: str, names: Iterable[tuple[str, str]]) -> str:
    """``text`` with e-mail addresses, then every ``(name, word)`` (whole words, any case, a
    Danish genitive "s" kept; longest names first), then dates and numbers replaced."""
    text = _EMAIL.sub("[e-mail]", text)
    pairs = sorted(
        {(n.strip(), w) for n, w in names if len(n.strip()) >= 2}, key=lambda p: -len(p[0])
    )
    for name, word in pairs:
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?=s?(?!\w))", re.IGNORECASE)
        text = pattern.sub(word, text)
    for pattern, word in _PATTERNS:
        text = pattern.sub(word, text)
    return text


def _teller(story: ChangeStory) -> str:
    member = story.teller_member
    if member is None:
        return _("En anden person")
    return _("Et barn") if member.kind == MemberKind.CHILD else _("En forælder")


def _names(courses: list[int], families: list[int]) -> list[tuple[str, str]]:
    """Every name and place the app knows around these families and courses, with the
    neutral word that replaces it."""
    child, parent = _("[barn]"), _("[forælder]")
    names: list[tuple[str, str]] = []
    for kind, first, last in FamilyMember.objects.filter(family__in=families).values_list(
        "kind", "first_name", "last_name"
    ):
        word = child if kind == MemberKind.CHILD else parent
        names += [(f"{first} {last}", word), (first, word), (last, _("[familien]"))]
        names += [(part, word) for part in first.split() if len(first.split()) > 1]
    for name, street, postal, city in Family.objects.filter(pk__in=families).values_list(
        "name", "street_address", "postal_code", "city"
    ):
        names += [(name, _("[familien]")), (street, _("[adresse]")), (city, _("[sted]"))]
        names += [(postal, _("[sted]"))] if postal else []
    for (name,) in NetworkMember.objects.filter(family__in=families).values_list("name"):
        names += [(name, _("[netværksperson]"))]
        names += [(part, _("[netværksperson]")) for part in name.split() if len(part) >= 3]
    for (full_name,) in TeamAssignment.objects.filter(course__in=courses).values_list(
        "user__full_name"
    ):
        names += [(full_name, _("[medarbejder]"))]
        names += [(part, _("[medarbejder]")) for part in full_name.split()[:1]]
    for name, contact in Institution.objects.filter(child__family__in=families).values_list(
        "name", "contact_person"
    ):
        names += [(name, _("[institution]")), (contact, _("[fagperson]"))]
    return names


def consented_stories(run: ReportRun, courses: QuerySet[Course]) -> tuple[int, list[Story]]:
    """How many stories with consent were told in the period, and the latest MAX_STORIES of
    them, anonymised. A fixed number of queries."""
    chosen = ChangeStory.objects.filter(
        course__in=courses.values("pk"),
        consent_to_use=True,
        told_on__gte=run.period_start,
        told_on__lte=run.period_end,
    )
    count = chosen.count()
    stories = list(
        chosen.select_related("teller_member", "course").order_by("-told_on", "-pk")[:MAX_STORIES]
    )
    if not stories:
        return count, []
    names = _names(
        sorted({s.course_id for s in stories}), sorted({s.course.family_id for s in stories})
    )
    return count, [
        Story(
            month=f"{s.told_on:%Y-%m}",
            domain=s.get_domain_display(),
            teller=_teller(s),
            title=anonymise(s.title, names),
            story=anonymise(s.story, names),
            why=anonymise(s.why_significant, names),
        )
        for s in stories
    ]
