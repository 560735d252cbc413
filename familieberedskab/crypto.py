"""Encryption at rest and keyed hashing for the few values that must never be stored in clear.

CPR numbers are encrypted with Fernet (AES-128-CBC + HMAC), with MultiFernet so that keys can
be rotated: the first key encrypts, every listed key decrypts. Exact-match lookup goes
through an HMAC-SHA256 of the normalised value under a separate key, so the database alone
reveals neither the number nor a way to test guesses against it.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(value: str) -> str:
    return _fernet(tuple(settings.CPR_ENCRYPTION_KEYS)).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(tuple(settings.CPR_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()


def keyed_hash(value: str) -> str:
    return hmac.new(settings.CPR_HMAC_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()
