"""URL matrix rows for the report screens (tests/integration/kernel/test_url_matrix.py).

In scope for every matrix user with Perm.REPORT_RUN (all at the provider): a finished
evaluation run requested by a colleague (the matrix's projektleder), with its PDF in private
storage, and an active schedule. Outside every user's scope: the same at another provider
(404, never 403). The evaluator-only dataset has its own permission matrix in
tests/integration/reporting/test_report_views.py.
"""

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from familieberedskab.permissions import Perm
from reporting.models import (
    Cadence,
    FileKind,
    ReportFile,
    ReportKind,
    ReportRun,
    ReportSchedule,
    RunStatus,
)
from staffing.models import Role, User
from tests.factories.staffing import ProviderFactory, UserFactory
from tests.integration.routes import Route

PDF = b"%PDF-1.4\n% matrix\n"


def _furnish(owner: User, prefix: str, ctx: dict) -> None:
    municipality = ctx["family"].municipality
    run = ReportRun.objects.create(
        kind=ReportKind.EVALUATION,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        requested_by=owner,
        status=RunStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
    )
    run.municipalities.set([municipality])
    pdf = ReportFile(
        run=run,
        kind=FileKind.PDF,
        name="evalueringsrapport.pdf",
        size=len(PDF),
        sha256="0" * 64,
        content_type="application/pdf",
    )
    pdf.file.save(pdf.name, ContentFile(PDF), save=False)
    pdf.save()
    schedule = ReportSchedule.objects.create(
        name="Kvartalsrapport",
        kind=ReportKind.EVALUATION,
        cadence=Cadence.QUARTERLY,
        owner=owner,
        next_run_on=dt.date(2026, 4, 1),
    )
    schedule.municipalities.set([municipality])
    ctx[f"{prefix}_run"], ctx[f"{prefix}_file"], ctx[f"{prefix}_schedule"] = run, pdf, schedule


def extend_world(ctx: dict) -> None:
    _furnish(ctx["users"][Role.PROJEKTLEDER], "report", ctx)
    elsewhere = ProviderFactory(name="Anden udfører (rapporter)")
    elsewhere.serves.add(ctx["family"].municipality)
    stranger = UserFactory(username="leder.andetsteds", organisation=elsewhere, roles=[Role.LEDER])
    _furnish(stranger, "other_report", ctx)


def _pk(prefix: str, what: str) -> object:
    def kwargs(ctx: dict) -> dict:
        return {"pk": ctx[f"{prefix}_{what}"].pk}

    return kwargs


def _order(ctx: dict) -> dict:
    return {
        "kind": ReportKind.EVALUATION,
        "preset": "last_quarter",
        "municipalities": [ctx["family"].municipality.pk],
    }


def _schedule(ctx: dict) -> dict:
    return {
        "name": "Årsrapport",
        "kind": ReportKind.EVALUATION,
        "cadence": Cadence.YEARLY,
        "municipalities": [ctx["family"].municipality.pk],
    }


ROUTES: dict[str, Route] = {
    "reporting:run_list": Route(perm=Perm.REPORT_RUN),
    "reporting:run_request": Route(perm=Perm.REPORT_RUN, method="post", ok=302, data=_order),
    "reporting:run_detail": Route(
        perm=Perm.REPORT_RUN, kwargs=_pk("report", "run"), outside=_pk("other_report", "run")
    ),
    "reporting:run_progress": Route(
        perm=Perm.REPORT_RUN, kwargs=_pk("report", "run"), outside=_pk("other_report", "run")
    ),
    # The run is done: cancelling is refused with a message, retrying too — both redirect.
    "reporting:run_cancel": Route(
        perm=Perm.REPORT_RUN,
        method="post",
        ok=302,
        kwargs=_pk("report", "run"),
        outside=_pk("other_report", "run"),
    ),
    "reporting:run_retry": Route(
        perm=Perm.REPORT_RUN,
        method="post",
        ok=302,
        kwargs=_pk("report", "run"),
        outside=_pk("other_report", "run"),
    ),
    "reporting:file_download": Route(
        perm=Perm.REPORT_RUN, kwargs=_pk("report", "file"), outside=_pk("other_report", "file")
    ),
    "reporting:schedule_list": Route(perm=Perm.REPORT_RUN),
    "reporting:schedule_create": Route(perm=Perm.REPORT_RUN, method="post", ok=302, data=_schedule),
    "reporting:schedule_deactivate": Route(
        perm=Perm.REPORT_RUN,
        method="post",
        ok=302,
        kwargs=_pk("report", "schedule"),
        outside=_pk("other_report", "schedule"),
    ),
}
