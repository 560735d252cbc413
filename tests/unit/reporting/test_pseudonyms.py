"""Pseudonyms are stable for the same key, differ between records and kinds, and change with
the secret key."""

from reporting.pseudonyms import pseudonym


def test_stable_and_distinct(settings) -> None:
    settings.PSEUDONYM_KEY = "k1"
    assert pseudonym("course", 17) == pseudonym("course", 17)
    assert pseudonym("course", 17) != pseudonym("course", 18)
    assert pseudonym("course", 17) != pseudonym("person", 17)
    assert pseudonym("course", 17).startswith("C-") and len(pseudonym("course", 17)) == 14


def test_depends_on_the_secret_key(settings) -> None:
    settings.PSEUDONYM_KEY = "k1"
    first = pseudonym("course", 17)
    settings.PSEUDONYM_KEY = "k2"
    assert pseudonym("course", 17) != first
