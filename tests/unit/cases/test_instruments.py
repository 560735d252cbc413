"""Scoring of SDQ, WHO-5 and the Parental Stress Scale (cases/instruments.py) against
hand-computed cases, and property tests that scores stay in range for any valid input."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases import instruments as ins


def sdq(answers: dict[int, int | None], definition=ins.SDQ_PARENT):
    return ins.score("sdq", definition, answers)


def all_sdq(value: int) -> dict[int, int]:
    return dict.fromkeys(range(1, 26), value)


def test_sdq_all_ones() -> None:
    scales = sdq(all_sdq(1) | {26: 0}).scales
    assert scales["emotional"] == scales["conduct"] == scales["hyperactivity"] == 5
    assert scales["peer"] == scales["prosocial"] == 5
    assert scales["total"] == 20
    assert scales["externalising"] == 10
    assert scales["internalising"] == 10
    assert scales["impact"] == 0  # no difficulties reported: impact scored 0


def test_sdq_reverse_scored_items() -> None:
    # All "not true" (0): the reverse-scored items 7, 11, 14, 21, 25 count 2.
    scales = sdq(all_sdq(0)).scales
    assert scales["emotional"] == 0
    assert scales["conduct"] == 2  # item 7: 2; mean 0.4 → floor(0.5 + 2) = 2
    # Two reversed items (21, 25): mean (2 + 2) / 5 = 0.8 → floor(0.5 + 4.0) = 4.
    assert scales["hyperactivity"] == 4
    assert scales["peer"] == 4  # items 11 and 14, likewise
    assert scales["prosocial"] == 0


def test_sdq_scale_with_three_of_five_answered_is_prorated() -> None:
    answers = {3: 2, 8: 2, 13: 1}  # emotional, 3 of 5 answered: mean 5/3
    assert sdq(answers).scales["emotional"] == 8  # floor(0.5 + 8.33)


def test_sdq_scale_with_two_of_five_is_missing_and_so_is_the_total() -> None:
    answers = all_sdq(1)
    for item in (3, 8, 13):  # emotional keeps 16 and 24 only
        answers[item] = None
    scales = sdq(answers).scales
    assert scales["emotional"] is None
    assert scales["total"] is None
    assert scales["internalising"] is None
    assert scales["externalising"] == 10  # conduct + hyperactivity are complete


def test_sdq_impact_scoring() -> None:
    answers = all_sdq(1) | {26: 2, 27: 3, 28: 2, 29: 1, 30: 0, 31: 3}
    assert sdq(answers).scales["impact"] == 2 + 1 + 0 + 0 + 2
    missing = all_sdq(1) | {26: 2, 27: 3}
    assert sdq(missing).scales["impact"] is None
    assert sdq(all_sdq(1)).scales["impact"] is None  # gate not answered


def test_sdq_teacher_impact_has_three_items() -> None:
    answers = all_sdq(1) | {26: 3, 27: 3, 28: 3, 29: 3}
    assert sdq(answers, ins.SDQ_TEACHER).scales["impact"] == 6
    with pytest.raises(ins.AnswerError):
        sdq(answers | {30: 1}, ins.SDQ_TEACHER)  # no item 30 on the teacher version


def test_sdq_refuses_answers_outside_0_to_2() -> None:
    with pytest.raises(ins.AnswerError) as caught:
        sdq({1: 3, 2: "x", 99: 1})
    assert caught.value.errors == {1: "not_allowed", 2: "not_allowed", 99: "unknown_item"}


def test_blank_strings_are_unanswered() -> None:
    assert sdq({"3": "2", "8": " ", "13": ""}).scales["emotional"] is None


def who5(values):
    return ins.score("sum", ins.WHO5, dict(enumerate(values, start=1)))


def test_who5_percentage_and_flags() -> None:
    fine = who5([3, 3, 3, 3, 3])
    assert fine.scales == {"total": 15, "percentage": 60}
    assert fine.flags == ()
    low = who5([2, 2, 2, 3, 3])
    assert low.scales["percentage"] == 48
    assert low.flags == ("poor_wellbeing",)
    edge = who5([2, 2, 3, 3, 3])
    assert edge.scales["percentage"] == 52 and edge.flags == ()
    assert who5([5, 5, 5, 5, 1]).flags == ("item_low",)
    assert who5([5, 5, 5, 5, None]).scales["percentage"] is None


def test_who5_boundary_follows_the_data(settings) -> None:
    # Percentages come in steps of 4: 48 is the highest "≤ 50", 52 the lowest above it.
    definition = {**ins.WHO5, "flags": [{**ins.WHO5["flags"][0], "value": 52}]}
    scored = ins.score("sum", definition, dict(enumerate([2, 2, 3, 3, 3], start=1)))
    assert scored.flags == ("poor_wellbeing",)


def test_who5_meaningful_change_is_ten_points() -> None:
    assert ins.meaningful_change(ins.WHO5, "percentage", 40, 52) is True
    assert ins.meaningful_change(ins.WHO5, "percentage", 40, 48) is False
    assert ins.meaningful_change(ins.WHO5, "percentage", 60, 48) is True
    assert ins.meaningful_change(ins.WHO5, "percentage", None, 48) is None


def pss(values):
    return ins.score("sum", ins.PSS, dict(enumerate(values, start=1)))


def test_pss_reverse_scoring_and_range() -> None:
    assert pss([3] * 18).scales["total"] == 54
    # All "strongly agree" (5): the 8 positive items count 1 each, the 10 others 5 each.
    assert pss([5] * 18).scales["total"] == 8 * 1 + 10 * 5
    assert pss([1] * 18).scales["total"] == 8 * 5 + 10 * 1
    most_stress = [1 if i in {1, 2, 5, 6, 7, 8, 17, 18} else 5 for i in range(1, 19)]
    assert pss(most_stress).scales["total"] == 90
    least_stress = [5 if i in {1, 2, 5, 6, 7, 8, 17, 18} else 1 for i in range(1, 19)]
    assert pss(least_stress).scales["total"] == 18


def test_pss_missing_item_means_no_total() -> None:
    assert pss([3] * 17 + [None]).scales["total"] is None
    with pytest.raises(ins.AnswerError):
        pss([0] * 18)


answer_or_none = st.one_of(st.none(), st.integers(0, 2))


@given(
    st.lists(answer_or_none, min_size=25, max_size=25),
    st.integers(0, 3),
    st.lists(st.integers(0, 3), min_size=5, max_size=5),
)
def test_sdq_scores_stay_in_range(main, gate, impact) -> None:
    answers = dict(enumerate(main, start=1)) | {26: gate} | dict(enumerate(impact, start=27))
    scales = sdq(answers).scales
    for name in ("emotional", "conduct", "hyperactivity", "peer", "prosocial"):
        assert scales[name] is None or 0 <= scales[name] <= 10
    assert scales["total"] is None or 0 <= scales["total"] <= 40
    assert scales["externalising"] is None or 0 <= scales["externalising"] <= 20
    assert scales["internalising"] is None or 0 <= scales["internalising"] <= 20
    assert scales["impact"] is None or 0 <= scales["impact"] <= 10


@given(st.lists(st.integers(0, 3), min_size=4, max_size=4))
def test_sdq_teacher_impact_in_range(impact) -> None:
    answers = all_sdq(1) | dict(enumerate(impact, start=26))
    value = sdq(answers, ins.SDQ_TEACHER).scales["impact"]
    assert value is None or 0 <= value <= 6


@given(st.lists(st.integers(0, 5), min_size=5, max_size=5))
def test_who5_in_range(values) -> None:
    scored = who5(values)
    assert 0 <= scored.scales["percentage"] <= 100
    assert scored.scales["percentage"] == 4 * sum(values)


@given(st.lists(st.integers(1, 5), min_size=18, max_size=18))
def test_pss_in_range(values) -> None:
    assert 18 <= pss(values).scales["total"] <= 90
