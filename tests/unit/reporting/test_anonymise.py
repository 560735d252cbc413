"""Anonymising a consented story for the evaluation report (reporting/stories.py): names
known around the family become neutral words, dates, CPR-like numbers, phone numbers and
e-mail addresses go too — pure, no database."""

from reporting.stories import anonymise

NAMES = [
    ("Mette Holmgård", "[forælder]"),
    ("Mette", "[forælder]"),
    ("Holmgård", "[familien]"),
    ("Noah", "[barn]"),
    ("Familien Holmgård", "[familien]"),
    ("Holmgårdvej 1", "[adresse]"),
    ("Mormor Grethe", "[netværksperson]"),
]


def test_names_become_neutral_words_whole_words_any_case() -> None:
    text = anonymise(
        "Mette Holmgård og NOAH spiste med mormor grethe hos familien Holmgård.", NAMES
    )
    assert text == "[forælder] og [barn] spiste med [netværksperson] hos [familien]."


def test_a_danish_genitive_keeps_its_s() -> None:
    assert anonymise("Noahs lærer ringede.", NAMES) == "[barn]s lærer ringede."


def test_a_name_inside_another_word_is_left_alone() -> None:
    assert anonymise("Noahbjørn kom ikke.", NAMES) == "Noahbjørn kom ikke."


def test_the_longest_name_wins() -> None:
    assert anonymise("Vi bor på Holmgårdvej 1.", NAMES) == "Vi bor på [adresse]."


def test_dates_numbers_and_addresses_go() -> None:
    text = anonymise(
        "Den 12. maj 2025 og 3/4 og 2025-06-01 og 14.02.2025 ringede hun fra 43 53 12 00 "
        "og +45 20304050, skrev til mette@example.dk; CPR 010203-1234 og 0102031234.",
        NAMES,
    )
    assert text == (
        "Den [dato] og [dato] og [dato] og [dato] ringede hun fra [nummer] "
        "og [nummer], skrev til [e-mail]; CPR [cpr] og [cpr]."
    )


def test_short_or_empty_names_are_ignored() -> None:
    assert anonymise("A og B", [("", "[x]"), ("A", "[y]")]) == "A og B"
