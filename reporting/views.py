"""The report screens (issue 7): the organisation's runs with the form to order one, a run's
page whose progress bar htmx polls every second until the run is finished, cancel and retry,
the download of a file from private storage, and the schedules. Access goes through
reporting/services.py: 403 without Perm.REPORT_RUN, 404 outside the organisation's runs,
every order, cancel, retry and download audited."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familieberedskab.permissions import Perm, permissions_of
from reporting import services
from reporting.forms import RunRequestForm, ScheduleForm
from reporting.models import ReportRun, RunStatus

POLL_SECONDS = 1


def _run_list_page(request: HttpRequest, form: RunRequestForm, status: int = 200) -> HttpResponse:
    page = Paginator(services.runs_for(request.user), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "form": form, "may_dataset": _may_dataset(request)}
    return render(request, "reporting/run_list.html", context, status=status)


def _may_dataset(request: HttpRequest) -> bool:
    return Perm.REPORT_DATASET in permissions_of(request.user)


def _guard(request: HttpRequest) -> None:
    if not services.may_run(request.user):
        raise PermissionDenied


@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    _guard(request)
    return _run_list_page(request, RunRequestForm(user=request.user))


@require_POST
def run_request(request: HttpRequest) -> HttpResponse:
    _guard(request)
    form = RunRequestForm(request.POST, user=request.user)
    if not form.is_valid():
        return _run_list_page(request, form, status=400)
    data = form.cleaned_data
    try:
        run = services.report_run_request(
            by=request.user,
            kind=data["kind"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            municipalities=data["municipalities"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _run_list_page(request, form, status=400)
    messages.success(request, _("Rapporten er bestilt. Du får besked, når den er klar."))
    return redirect("reporting:run_detail", run.pk)


def _run_context(run: ReportRun) -> dict[str, object]:
    return {
        "run": run,
        "files": list(run.files.all()),
        "polling": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        "poll_seconds": POLL_SECONDS,
        "may_cancel": not run.is_finished,
        "may_retry": run.status in (RunStatus.FAILED, RunStatus.CANCELLED),
    }


@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = services.get_run_for_user(request.user, pk)
    return render(request, "reporting/run_detail.html", _run_context(run))


@require_GET
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's status block alone, for htmx to swap in; it polls again only while the run
    is queued or running."""
    run = services.get_run_for_user(request.user, pk)
    return render(request, "reporting/_partials/run_status.html", _run_context(run))


@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    run = services.get_run_for_user(request.user, pk)
    try:
        services.report_run_cancel(by=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Kørslen er annulleret."))
    return redirect("reporting:run_detail", run.pk)


@require_POST
def run_retry(request: HttpRequest, pk: int) -> HttpResponse:
    run = services.get_run_for_user(request.user, pk)
    try:
        services.report_run_retry(by=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Rapporten bliver lavet igen."))
    return redirect("reporting:run_detail", run.pk)


@require_GET
def file_download(request: HttpRequest, pk: int) -> FileResponse:
    """Stream a file from private storage as an attachment (the check and the audit row are
    in ``report_file_for_download``)."""
    report_file = services.report_file_for_download(request.user, pk)
    try:
        handle = report_file.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=report_file.name,
        content_type=report_file.content_type,
    )


@require_GET
def schedule_list(request: HttpRequest) -> HttpResponse:
    _guard(request)
    page = Paginator(services.schedules_for(request.user), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "reporting/schedule_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def schedule_create(request: HttpRequest) -> HttpResponse:
    _guard(request)
    if request.method != "POST":
        form = ScheduleForm(user=request.user)
        return render(request, "reporting/schedule_form.html", {"form": form})
    form = ScheduleForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.report_schedule_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Den faste rapport er gemt."))
            return redirect("reporting:schedule_list")
    return render(request, "reporting/schedule_form.html", {"form": form}, status=400)


@require_POST
def schedule_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = services.get_schedule_for_user(request.user, pk)
    try:
        services.report_schedule_deactivate(by=request.user, schedule=schedule)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Den faste rapport er stoppet."))
    return redirect("reporting:schedule_list")
