import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from staffing import services
from staffing.forms import LoginForm, TokenForm


class LoginView(auth_views.LoginView):
    """Username and password; Django gives the session a new id. The code comes next."""

    form_class = LoginForm
    template_name = "staffing/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:
        response = super().form_valid(form)
        services.login_record(user=form.get_user())
        return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.logout_record(user=request.user)
    logout(request)
    messages.info(request, _("Du er logget ud."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]  # drop the XML declaration for inline use


def otp_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: scan the QR code in an authenticator app and confirm with a code."""
    user = request.user
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        return redirect("staffing:otp_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Autentificeringsapp", confirmed=False)
    form = TokenForm(request.POST or None, submit_label=_("Tilknyt"))
    if form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            services.otp_device_confirm(by=user, device=device)
            otp_login(request, device)
            messages.success(request, _("Din autentificeringsapp er tilknyttet."))
            return redirect(settings.LOGIN_REDIRECT_URL)
        form.add_error("token", _("Koden passer ikke. Prøv den næste kode fra appen."))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "staffing/otp_setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 – SVG made here, no user input
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


def otp_verify(request: HttpRequest) -> HttpResponse:
    """Each sign-in: the code from the app. A code that has been used cannot be used again."""
    user = request.user
    if not TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        return redirect("staffing:otp_setup")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("Koden er forkert eller allerede brugt."))
    return render(request, "staffing/otp_verify.html", {"form": form})


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class PasswordChangeView(auth_views.PasswordChangeView):
    """A new password ends every other session of the user (Django's session hash)."""

    template_name = "staffing/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: object) -> HttpResponse:
        response = super().form_valid(form)  # keeps this session via update_session_auth_hash
        messages.success(
            self.request, _("Din adgangskode er skiftet. Andre sessioner er logget ud.")
        )
        return response


login_view = login_not_required(LoginView.as_view())
password_change = PasswordChangeView.as_view()
