"""The notifications page: the signed-in user's own messages, and marking them read.

Every signed-in user has notifications, so there is no permission to check; the scope is
the recipient, and another user's notification answers 404 like any object out of scope.
"""

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from familieberedskab.models import Notification
from familieberedskab.notifications import notification_mark_read
from staffing.models import User


class NotificationReadForm(forms.Form):
    """Mark one notification read (optionally opening it), or all of them."""

    notification = forms.IntegerField(required=False, min_value=1)
    all = forms.BooleanField(required=False)
    open = forms.BooleanField(required=False)
    next = forms.CharField(required=False, max_length=300)

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if not data.get("notification") and not data.get("all"):
            raise forms.ValidationError(_("Vælg en notifikation, eller markér alle som læst."))
        return data


def notifications_of(user: User) -> QuerySet[Notification]:
    """The user's own notifications, unread first, then newest first."""
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return (
        Notification.objects.filter(recipient=user)
        .alias(unread=unread)
        .order_by("-unread", "-created_at", "-pk")
    )


def get_notification_for_user(user: User, pk: int) -> Notification:
    """The notification if it is the user's own, else 404 (never revealing that it exists)."""
    notification = Notification.objects.filter(recipient=user, pk=pk).first()
    if notification is None:
        raise Http404
    return notification


def _safe_local(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = notifications_of(request.user)
    page = Paginator(notifications, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "kernel/notification_list.html", {"page": page})


@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    form = NotificationReadForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(
            " ".join(form.non_field_errors()) or _("Ugyldig forespørgsel.")
        )
    data = form.cleaned_data
    back = data["next"] if _safe_local(request, data["next"]) else "notification_list"
    if data["all"]:
        unread = notifications_of(request.user).filter(read_at=None).values_list("pk", flat=True)
        notification_mark_read(by=request.user, notification_ids=list(unread))
        return redirect(back)
    notification = get_notification_for_user(request.user, data["notification"])
    notification_mark_read(by=request.user, notification_ids=[notification.pk])
    notification.refresh_from_db(fields=["read_at"])
    if data["open"]:
        return redirect(notification.url if _safe_local(request, notification.url) else back)
    if request.htmx:
        return render(
            request,
            "kernel/_partials/notification_row.html",
            {"notification": notification, "bell_oob": True},
        )
    return redirect(back)


urlpatterns = [
    path("", notification_list, name="notification_list"),
    path("laest/", notification_read, name="notification_read"),
]
