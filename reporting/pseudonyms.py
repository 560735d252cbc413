"""Pseudonyms for the evaluator's dataset: HMAC-SHA256 over a record's kind and key with the
project's secret ``PSEUDONYM_KEY``. The same course (or person) gets the same pseudonym in every
run, so the evaluator can follow it across deliveries; without the key nobody can compute it
from anything — not from the database id and not from a CPR number, which never goes in."""

import base64
import hashlib
import hmac

from django.conf import settings


def pseudonym(kind: str, key: int | str, *, length: int = 12) -> str:
    """E.g. ``pseudonym("course", 17)`` → "C-3JQ4…"; the prefix is the kind's first letter."""
    digest = hmac.new(
        settings.PSEUDONYM_KEY.encode(), f"{kind}:{key}".encode(), hashlib.sha256
    ).digest()
    text = base64.b32encode(digest).decode().rstrip("=")[:length]
    return f"{kind[:1].upper()}-{text}"
