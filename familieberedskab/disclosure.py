"""Statistical disclosure control: small counts are never shown as such.

With ~22 families in a project, a count of 1–4 in a table can identify a family. Every
aggregate shown to a role without access to the case files goes through :func:`suppress`.
"""

from django.conf import settings


def suppress(count: int, *, threshold: int | None = None) -> str:
    """``count`` as text, or ``"<threshold"`` when it is above zero and below the threshold."""
    limit = settings.SMALL_NUMBER_THRESHOLD if threshold is None else threshold
    if 0 < count < limit:
        return f"<{limit}"
    return str(count)
