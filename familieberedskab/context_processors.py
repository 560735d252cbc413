"""Role-aware navigation: each entry shows only if the user holds its permission."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from familieberedskab.permissions import Perm, permissions_of

_NAV = [
    ("home", _("Forside"), None),
    ("cases:family_list", _("Familier"), Perm.FAMILY_VIEW),
    ("audit_list", _("Logning"), Perm.AUDIT_VIEW),
    ("admin:index", _("Administration"), Perm.STAFF_MANAGE),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    perms = permissions_of(request.user) if hasattr(request, "user") else frozenset()
    items = []
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        items = [
            {"url": reverse(name), "label": label, "active": request.path == reverse(name)}
            for name, label, perm in _NAV
            if perm is None or perm in perms
        ]
    return {"nav_items": items, "fb_perms": perms, "demo_mode": settings.DEMO_MODE}
