"""Cross-cutting request handling: request ids, session limits, required one-time codes,
the interface language, and no caching of pages with personal data."""

import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import Resolver404, ResolverMatch, resolve, reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from familieberedskab.requestid import request_id_var

Handler = Callable[[HttpRequest], HttpResponse]
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SESSION_AUTH_AT = "fb_auth_at"


class RequestIdMiddleware:
    """Gives each request an id (or keeps a well-formed one from the proxy) for logs and audit."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = (
            request.headers.get("X-Request-ID", "") if settings.TRUST_REQUEST_ID_HEADER else ""
        )
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


def stamp_session(sender: object, request: HttpRequest, user: object, **_: object) -> None:
    """Connected to ``user_logged_in``: the absolute session limit counts from here."""
    request.session[SESSION_AUTH_AT] = time.time()


class SessionLimitMiddleware:
    """Ends a session at the absolute limit after sign-in, however active it has been.

    The idle limit is Django's own (SESSION_COOKIE_AGE, renewed on every request).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            auth_at = request.session.get(SESSION_AUTH_AT)
            if auth_at is None or time.time() - auth_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("Din session er udløbet. Log ind igen."))
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class OTPRequiredMiddleware:
    """With OTP_REQUIRED, a signed-in user who has not given a one-time code yet can only
    reach enrolment, verification and logout."""

    allowed_url_names = frozenset({"otp_setup", "otp_verify", "logout"})

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.OTP_REQUIRED
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(settings.STATIC_URL)
        ):
            match = request.resolver_match or _resolve(request.path_info)
            if (
                match is None
                or match.url_name not in self.allowed_url_names
                or match.namespace != "staffing"
            ):
                target = reverse("staffing:otp_verify")
                if request.method == "GET":
                    target += "?" + urlencode({"next": request.get_full_path()})
                return redirect(target)
        return self.get_response(request)


def _resolve(path: str) -> ResolverMatch | None:
    try:
        return resolve(path)
    except Resolver404:
        return None


class NoStoreMiddleware:
    """Pages for signed-in users may show personal data: browsers and proxies keep no copy."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response


class DanishFirstLocaleMiddleware(LocaleMiddleware):
    """Danish unless the user has chosen English with the language switch (the language
    cookie). The browser's Accept-Language is ignored: staff on an English-language machine
    still work in the Danish the whole organisation uses, unless they opt out."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
