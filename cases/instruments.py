"""Scoring of outcome instruments, as pure functions over an instrument's ``definition``
(data stored on the Instrument row) and the answers by item number.

A scoring function takes the definition and the answers ({item number: answer or None}) and
returns a ``Scored``: the scale scores (None where the instrument's missing-item rule says
the scale cannot be scored), and flags. ``SCORERS`` maps the Instrument's ``scoring`` name to
its function; a new instrument whose scoring is a (reverse-scored) sum needs no code at all.

The rules (DOMAIN.md, "Instruments"):
* SDQ — 25 items 0/1/2; items 7, 11, 14, 21, 25 reverse-scored; five scales of five items; a
  scale is floor(0.5 + 5 × mean of its answered items) when ≥ 3 of 5 are answered, else
  missing; total difficulties = emotional + conduct + hyperactivity + peer (missing if any is);
  externalising = conduct + hyperactivity; internalising = emotional + peer. The impact
  supplement: a gate item (any difficulties: 0 no … 3 severe); when 0 the impact score is 0,
  otherwise its items (0 not at all … 3 a great deal) score 0/0/1/2 and are summed (0–10
  parent/self, 0–6 teacher), missing if one is unanswered.
* WHO-5 — 5 items 0–5; percentage = 4 × raw (0–100); missing if any item is; ≤ 50 → poor
  wellbeing (screen for depression); any item 0–1 → assess; a change of ≥ 10 is meaningful.
* PSS (Parental Stress Scale, Berry & Jones 1995) — 18 items 1–5; items 1, 2, 5, 6, 7, 8, 17,
  18 reverse-scored (6 − answer); total 18–90, higher = more stress. The published scale gives
  no rule for missing items, so the total is missing if any item is.
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Answers = Mapping[int, int | None]


@dataclass(frozen=True)
class Scored:
    scales: dict[str, Decimal | int | None]
    flags: tuple[str, ...] = ()
    missing_items: tuple[int, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        return {
            "scales": {k: (None if v is None else float(v)) for k, v in self.scales.items()},
            "flags": list(self.flags),
            "missing_items": list(self.missing_items),
        }


class AnswerError(ValueError):
    """Answers that the instrument does not allow; ``errors`` maps item number → message
    key ('not_allowed', 'unknown_item')."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(f"invalid answers: {sorted(errors)}")
        self.errors = errors


def items_of(definition: Mapping[str, Any]) -> list[int]:
    """All item numbers the instrument has (main items and any impact items)."""
    numbers = list(range(1, int(definition["items"]) + 1))
    impact = definition.get("impact")
    if impact:
        numbers += [int(impact["gate"]), *(int(i) for i in impact["items"])]
    return numbers


def allowed_answers(definition: Mapping[str, Any], item: int) -> set[int]:
    impact = definition.get("impact")
    if impact and (item == int(impact["gate"]) or item in {int(i) for i in impact["items"]}):
        return set(range(0, 4))
    return {int(v) for v in definition["answers"]}


def validate(definition: Mapping[str, Any], answers: Mapping[Any, Any]) -> dict[int, int | None]:
    """Normalise ``answers`` (keys may be strings, values strings/ints/None/'') to
    {item: int | None} for every item, or raise AnswerError."""
    known = items_of(definition)
    errors: dict[int, str] = {}
    clean: dict[int, int | None] = dict.fromkeys(known)
    for key, value in answers.items():
        try:
            item = int(key)
        except (TypeError, ValueError):
            errors[-1] = "unknown_item"
            continue
        if item not in clean:
            errors[item] = "unknown_item"
            continue
        if value is None or (isinstance(value, str) and value.strip() == ""):
            continue
        try:
            number = int(str(value).strip())
        except ValueError:
            errors[item] = "not_allowed"
            continue
        if number not in allowed_answers(definition, item):
            errors[item] = "not_allowed"
            continue
        clean[item] = number
    if errors:
        raise AnswerError(errors)
    return clean


def _item_score(definition: Mapping[str, Any], item: int, answer: int) -> int:
    reverse = {int(i) for i in definition.get("reverse", [])}
    if item not in reverse:
        return answer
    answers = [int(v) for v in definition["answers"]]
    return min(answers) + max(answers) - answer


def _missing(definition: Mapping[str, Any], answers: Answers) -> tuple[int, ...]:
    return tuple(n for n in items_of(definition) if answers.get(n) is None)


def score_sdq(definition: Mapping[str, Any], answers: Answers) -> Scored:
    scales: dict[str, Decimal | int | None] = {}
    minimum = int(definition.get("min_answered", 3))
    for name, items in definition["scales"].items():
        scored = [
            _item_score(definition, int(i), answers[int(i)])
            for i in items
            if answers.get(int(i)) is not None
        ]
        if len(scored) < minimum:
            scales[name] = None
        else:
            scales[name] = math.floor(0.5 + 5 * sum(scored) / len(scored))
    for name, parts in definition.get("composites", {}).items():
        values = [scales.get(p) for p in parts]
        scales[name] = None if any(v is None for v in values) else sum(values)
    impact = definition.get("impact")
    if impact:
        gate = answers.get(int(impact["gate"]))
        if gate is None:
            scales["impact"] = None
        elif gate == 0:
            scales["impact"] = 0
        else:
            mapping = {int(k): int(v) for k, v in impact["scoring"].items()}
            values = [answers.get(int(i)) for i in impact["items"]]
            scales["impact"] = (
                None if any(v is None for v in values) else sum(mapping[v] for v in values)
            )
    return Scored(scales=scales, missing_items=_missing(definition, answers))


def score_sum(definition: Mapping[str, Any], answers: Answers) -> Scored:
    """A (reverse-scored) sum over all items, missing when any item is unanswered (neither
    WHO-5 nor the PSS publishes a rule for prorating). With ``multiplier`` the total is also
    given as ``percentage``; ``flags`` in the definition are simple threshold rules."""
    items = list(range(1, int(definition["items"]) + 1))
    missing = [i for i in items if answers.get(i) is None]
    total: int | None = None
    if not missing:
        total = sum(_item_score(definition, i, answers[i]) for i in items)
    scales: dict[str, Decimal | int | None] = {"total": total}
    if "multiplier" in definition:
        scales["percentage"] = None if total is None else total * int(definition["multiplier"])
    flags = []
    for rule in definition.get("flags", []):
        if rule["kind"] == "scale_at_most":
            value = scales.get(rule["scale"])
            if value is not None and value <= rule["value"]:
                flags.append(rule["code"])
        elif rule["kind"] == "any_item_at_most" and any(
            answers.get(i) is not None and answers[i] <= rule["value"] for i in items
        ):
            flags.append(rule["code"])
    return Scored(scales=scales, flags=tuple(flags), missing_items=tuple(missing))


SCORERS: dict[str, Callable[[Mapping[str, Any], Answers], Scored]] = {
    "sdq": score_sdq,
    "sum": score_sum,
}


def score(scoring: str, definition: Mapping[str, Any], answers: Mapping[Any, Any]) -> Scored:
    """Validate and score: the one entry point the services use."""
    clean = validate(definition, answers)
    return SCORERS[scoring](definition, clean)


def meaningful_change(
    definition: Mapping[str, Any], scale: str, before: Any, after: Any
) -> bool | None:
    """Whether the change between two scores of ``scale`` reaches the definition's
    ``meaningful_change`` for that scale (None when not defined or a score is missing)."""
    threshold = definition.get("meaningful_change", {}).get(scale)
    if threshold is None or before is None or after is None:
        return None
    return abs(Decimal(str(after)) - Decimal(str(before))) >= Decimal(str(threshold))


# The definitions shipped (copied into the data migration that creates the Instrument rows;
# kept here too so the scoring tests do not need a database).
SDQ_SCALES = {
    "emotional": [3, 8, 13, 16, 24],
    "conduct": [5, 7, 12, 18, 22],
    "hyperactivity": [2, 10, 15, 21, 25],
    "peer": [6, 11, 14, 19, 23],
    "prosocial": [1, 4, 9, 17, 20],
}
SDQ_COMPOSITES = {
    "total": ["emotional", "conduct", "hyperactivity", "peer"],
    "externalising": ["conduct", "hyperactivity"],
    "internalising": ["emotional", "peer"],
}
IMPACT_SCORING = {"0": 0, "1": 0, "2": 1, "3": 2}


def sdq_definition(impact_items: int) -> dict[str, Any]:
    return {
        "items": 25,
        "answers": [0, 1, 2],
        "reverse": [7, 11, 14, 21, 25],
        "min_answered": 3,
        "scales": SDQ_SCALES,
        "composites": SDQ_COMPOSITES,
        "impact": {
            "gate": 26,
            "items": list(range(27, 27 + impact_items)),
            "scoring": IMPACT_SCORING,
        },
    }


SDQ_PARENT = sdq_definition(5)  # distress, home life, friendships, classroom, leisure
SDQ_TEACHER = sdq_definition(3)  # distress, peer relations, classroom learning
SDQ_SELF = sdq_definition(5)
WHO5 = {
    "items": 5,
    "answers": [0, 1, 2, 3, 4, 5],
    "multiplier": 4,
    "flags": [
        {"kind": "scale_at_most", "scale": "percentage", "value": 50, "code": "poor_wellbeing"},
        {"kind": "any_item_at_most", "value": 1, "code": "item_low"},
    ],
    "meaningful_change": {"percentage": 10},
}
PSS = {
    "items": 18,
    "answers": [1, 2, 3, 4, 5],
    "reverse": [1, 2, 5, 6, 7, 8, 17, 18],
}
