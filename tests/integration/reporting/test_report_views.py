"""The report screens (reporting/views.py): ordering a run that the task builds in-process on
the embedded default, the progress partial htmx polls, cancel and retry, a failure's message,
the file download's permission matrix (the dataset only for the evaluator; another
organisation's files 404; practitioners 403), the audit rows, expiry, and the schedules.

The evaluation PDF's builder is another module's (reporting/evaluation.py); here a stand-in
builds a one-page "PDF", so these tests are about the screens and the run's life."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from familieberedskab.models import AuditAction, AuditEvent, Notification
from reporting import dataset, runner, services
from reporting.models import (
    Cadence,
    FileKind,
    ReportFile,
    ReportKind,
    ReportRun,
    ReportSchedule,
    RunStatus,
)
from reporting.runner import BuiltFile
from staffing.models import Role
from tests.factories.staffing import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% stand-in\n"


def fake_evaluation(run: ReportRun, progress: runner.Progress) -> list[BuiltFile]:
    progress(50, "Halvvejs")
    return [BuiltFile(FileKind.PDF, f"evalueringsrapport-{run.pk}.pdf", PDF, "application/pdf")]


@pytest.fixture
def builders(monkeypatch) -> dict:
    table = {"evaluation": fake_evaluation, "dataset": dataset.build}
    monkeypatch.setattr(runner, "_builders", lambda: table)
    return table


@pytest.fixture
def in_process(celery_mode, builders) -> None:
    """Tasks run in the request's process (the embedded default), also when the test run
    points REDIS_URL at a real broker."""
    celery_mode(eager=True)


def make_run(user, municipality, *, kind=ReportKind.EVALUATION, status=RunStatus.DONE, **kw):
    run = ReportRun.objects.create(
        kind=kind,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        requested_by=user,
        status=status,
        **kw,
    )
    run.municipalities.set([municipality])
    return run


def add_file(run, kind=FileKind.PDF, content=PDF, *, confidential=False, name="rapport.pdf"):
    stored = ReportFile(
        run=run,
        kind=kind,
        name=name,
        size=len(content),
        sha256="a" * 64,
        confidential=confidential,
        content_type="application/pdf",
    )
    stored.file.save(name, ContentFile(content), save=False)
    stored.save()
    return stored


def download(client, file):
    response = client.get(reverse("reporting:file_download", args=[file.pk]))
    # Reading a streamed file to its end closes it (the test client's wrapper does).
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def order(client, ishoj, **data):
    fields = {"kind": "evaluation", "preset": "last_quarter", "municipalities": [ishoj.pk]}
    return client.post(reverse("reporting:run_request"), {**fields, **data})


# Ordering and watching a run -----------------------------------------------------------------


def test_order_runs_in_process_to_done_with_files_and_notifies(
    client, projektleder, ishoj, in_process, django_capture_on_commit_callbacks
) -> None:
    client.force_login(projektleder)

    with django_capture_on_commit_callbacks(execute=True):
        response = order(client, ishoj)

    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:run_detail", args=[run.pk])
    assert (run.status, run.progress, run.attempts) == (RunStatus.DONE, 100, 1)
    assert list(run.municipalities.all()) == [ishoj]
    start, end = services.previous_period(Cadence.QUARTERLY, timezone.localdate())
    assert (run.period_start, run.period_end) == (start, end)
    page = client.get(response["Location"]).content.decode()
    assert f"evalueringsrapport-{run.pk}.pdf" in page
    assert 'aria-valuenow="100"' in page
    assert "hx-trigger" not in page  # finished: nothing polls
    note = Notification.objects.get(recipient=projektleder)
    assert note.url == reverse("reporting:run_detail", args=[run.pk])
    assert "Rapporten er klar" in note.text
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="reporting.reportrun")
    assert (event.actor, event.object_id) == (projektleder, str(run.pk))
    assert event.values["municipalities"] == [ishoj.pk]


def test_custom_period_needs_both_dates(client, projektleder, ishoj, builders) -> None:
    client.force_login(projektleder)

    response = order(client, ishoj, preset="custom", period_start="2026-01-01")

    assert response.status_code == 400
    assert "Skriv periodens sidste dag." in response.content.decode()
    assert not ReportRun.objects.exists()


def test_custom_period_is_used(client, projektleder, ishoj, vallensbaek, builders) -> None:
    client.force_login(projektleder)

    order(
        client,
        ishoj,
        preset="custom",
        period_start="2025-02-01",
        period_end="2025-05-15",
        municipalities=[ishoj.pk, vallensbaek.pk],
    )

    run = ReportRun.objects.get()
    assert (run.period_start, run.period_end) == (dt.date(2025, 2, 1), dt.date(2025, 5, 15))
    assert set(run.municipalities.all()) == {ishoj, vallensbaek}


def test_another_providers_municipality_cannot_be_ordered(
    client, projektleder, ishoj, builders
) -> None:
    from tests.factories.staffing import MunicipalityFactory

    elsewhere = MunicipalityFactory(name="Brøndby Kommune", municipality_code=153)
    client.force_login(projektleder)

    response = order(client, ishoj, municipalities=[elsewhere.pk])

    assert response.status_code == 400
    assert not ReportRun.objects.exists()


def test_dataset_is_offered_to_the_evaluator_only(client, projektleder, evaluator, ishoj):
    client.force_login(projektleder)
    page = client.get(reverse("reporting:run_list")).content.decode()
    assert 'value="evaluation"' in page and 'value="dataset"' not in page
    assert order(client, ishoj, kind="dataset").status_code == 400
    assert not ReportRun.objects.exists()

    client.force_login(evaluator)
    page = client.get(reverse("reporting:run_list")).content.decode()
    assert 'value="dataset"' in page


def test_run_list_shows_the_organisations_runs_newest_first(
    client, projektleder, leader, evaluator, other_provider_leader, ishoj,
    django_assert_max_num_queries,
) -> None:  # fmt: skip
    older = make_run(leader, ishoj, created_at=timezone.now() - dt.timedelta(days=2))
    add_file(older)
    newer = make_run(projektleder, ishoj, status=RunStatus.RUNNING, progress=40)
    yesterday = timezone.now() - dt.timedelta(days=1)
    for _ in range(4):
        add_file(make_run(leader, ishoj, created_at=yesterday), name="flere.pdf")
    dataset_run = make_run(evaluator, ishoj, kind=ReportKind.DATASET)
    foreign = make_run(other_provider_leader, ishoj)
    client.force_login(projektleder)

    with django_assert_max_num_queries(13):  # as many with one run as with six
        page = client.get(reverse("reporting:run_list")).content.decode()

    links = re.findall(r'href="/rapporter/(\d+)/"', page)
    assert links[0] == str(newer.pk) and links[-1] == str(older.pk)
    assert len(links) == 6
    assert str(dataset_run.pk) not in links and str(foreign.pk) not in links
    assert "40 %" in page
    assert 'name="municipalities"' in page and "Vallensbæk Kommune" in page


def test_progress_partial_polls_while_queued_or_running_and_stops_when_done(
    client, projektleder, ishoj
) -> None:
    run = make_run(projektleder, ishoj, status=RunStatus.QUEUED)
    url = reverse("reporting:run_progress", args=[run.pk])
    client.force_login(projektleder)

    queued = client.get(url).content.decode()
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, progress=42, step="Beregner FIT"
    )
    running = client.get(url).content.decode()
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, progress=100, step="Færdig")
    add_file(run)
    done = client.get(url).content.decode()

    assert 'hx-trigger="every 1s"' in queued and "Venter på at blive lavet" in queued
    assert f'hx-get="{url}"' in running
    assert 'role="progressbar"' in running and 'aria-valuenow="42"' in running
    assert "report-progress-8" in running  # 42 % drawn as 40 %
    assert "Beregner FIT" in running
    assert "hx-trigger" not in done and 'aria-valuenow="100"' in done
    assert "report-progress-20" in done and "rapport.pdf" in done
    assert "<html" not in done  # a fragment, not a page


def test_cancel_a_queued_run_then_retry_builds_it(
    client, projektleder, ishoj, in_process, django_capture_on_commit_callbacks
) -> None:
    run = make_run(projektleder, ishoj, status=RunStatus.QUEUED)
    client.force_login(projektleder)

    client.post(reverse("reporting:run_cancel", args=[run.pk]))
    run.refresh_from_db()
    assert (run.status, run.cancel_requested) == (RunStatus.CANCELLED, True)
    page = client.get(reverse("reporting:run_detail", args=[run.pk])).content.decode()
    assert "Kørslen blev annulleret" in page
    assert reverse("reporting:run_retry", args=[run.pk]) in page
    assert reverse("reporting:run_cancel", args=[run.pk]) not in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:run_retry", args=[run.pk]))

    run.refresh_from_db()
    assert (run.status, run.cancel_requested, run.progress) == (RunStatus.DONE, False, 100)
    assert run.files.get().kind == FileKind.PDF
    actions = list(
        AuditEvent.objects.filter(object_type="reporting.reportrun").values_list("fields", "detail")
    )
    assert (["cancel_requested"], "") in actions and (["status"], "retry") in actions


def test_cancelling_a_running_run_stops_it_at_the_next_step(projektleder, ishoj, builders):
    run = make_run(projektleder, ishoj, status=RunStatus.QUEUED)

    def cancel_midway(run_obj, progress):
        services.report_run_cancel(by=projektleder, run=run_obj)
        progress(50, "Halvvejs")
        raise AssertionError("the step should have stopped the build")

    builders["evaluation"] = cancel_midway
    assert runner.run_build(run.pk) == RunStatus.CANCELLED
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED and not run.files.exists()


def test_done_run_cannot_be_cancelled_nor_retried(client, projektleder, ishoj) -> None:
    run = make_run(projektleder, ishoj)
    client.force_login(projektleder)

    cancel = client.post(reverse("reporting:run_cancel", args=[run.pk]), follow=True)
    retry = client.post(reverse("reporting:run_retry", args=[run.pk]), follow=True)

    assert "Kørslen er allerede afsluttet." in cancel.content.decode()
    assert "Kun en kørsel, der er fejlet eller annulleret, kan prøves igen." in (
        retry.content.decode()
    )
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


def test_failure_shows_a_clear_message_without_the_data(
    client, projektleder, ishoj, in_process, builders, django_capture_on_commit_callbacks
) -> None:
    def broken(run, progress):
        progress(30, "Henter forløbene")
        raise ZeroDivisionError("Mette Holmgård 300916-1234")

    builders["evaluation"] = broken
    client.force_login(projektleder)

    with django_capture_on_commit_callbacks(execute=True):
        order(client, ishoj)

    run = ReportRun.objects.get()
    page = client.get(reverse("reporting:run_detail", args=[run.pk])).content.decode()
    assert run.status == RunStatus.FAILED
    assert "Rapporten kunne ikke laves." in page
    assert f"Prøv igen, eller kontakt support med kørslens nummer {run.pk}." in page
    assert "ZeroDivisionError" in page
    assert "Mette" not in page and "300916" not in page
    assert reverse("reporting:run_retry", args=[run.pk]) in page
    assert "Rapporten kunne ikke laves" in Notification.objects.get(recipient=projektleder).text


# Downloads -----------------------------------------------------------------------------------


@pytest.fixture
def files(projektleder, evaluator, ishoj) -> dict[str, ReportFile]:
    evaluation = make_run(projektleder, ishoj)
    data = make_run(evaluator, ishoj, kind=ReportKind.DATASET)
    return {
        "pdf": add_file(evaluation, name="evalueringsrapport.pdf"),
        "confidential": add_file(
            evaluation, FileKind.XLSX, b"xlsx", confidential=True, name="FORTROLIGT-bilag.xlsx"
        ),
        "dataset": add_file(
            data, FileKind.COURSES_CSV, b"forloeb_id\r\n", confidential=True, name="F.csv"
        ),
    }


@pytest.mark.parametrize(
    ("role", "pdf", "confidential", "dataset_file"),
    [
        (Role.PROJEKTLEDER, 200, 403, 404),
        (Role.LEDER, 200, 403, 404),
        (Role.EVALUATOR, 200, 200, 200),
        (Role.BEHANDLER, 403, 403, 403),
        (Role.PAEDAGOG, 403, 403, 403),
        (Role.RADGIVER, 403, 403, 403),
        (Role.ADMINISTRATOR, 403, 403, 403),
    ],
)
def test_download_permission_matrix(
    client, files, provider, ishoj, role, pdf, confidential, dataset_file
) -> None:
    organisation = ishoj if role == Role.RADGIVER else provider
    client.force_login(UserFactory(organisation=organisation, roles=[role]))

    got = {name: download(client, file)[0].status_code for name, file in files.items()}

    assert got == {"pdf": pdf, "confidential": confidential, "dataset": dataset_file}


def test_another_organisations_evaluator_and_leader_get_404(
    client, files, other_provider, other_provider_leader
) -> None:
    outsider_evaluator = UserFactory(organisation=other_provider, roles=[Role.EVALUATOR])
    for user in (outsider_evaluator, other_provider_leader):
        client.force_login(user)
        assert {download(client, f)[0].status_code for f in files.values()} == {404}
        run_url = reverse("reporting:run_detail", args=[files["pdf"].run_id])
        assert client.get(run_url).status_code == 404


def test_download_streams_the_stored_file_as_attachment_and_is_audited(
    client, files, projektleder
) -> None:
    client.force_login(projektleder)

    response, body = download(client, files["pdf"])

    assert response.status_code == 200
    assert body == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="evalueringsrapport.pdf"'
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.object_type, event.object_id) == (
        projektleder,
        "reporting.reportfile",
        str(files["pdf"].pk),
    )
    assert event.values["run"] == files["pdf"].run_id


def test_files_are_kept_outside_static_and_media(files) -> None:
    path = files["pdf"].file.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.STATIC_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT) or "/nowhere")


def test_practitioner_cannot_reach_the_pages(client, assigned_worker, files) -> None:
    client.force_login(assigned_worker)
    run = files["pdf"].run
    urls = [
        reverse("reporting:run_list"),
        reverse("reporting:run_detail", args=[run.pk]),
        reverse("reporting:run_progress", args=[run.pk]),
        reverse("reporting:schedule_list"),
        reverse("reporting:file_download", args=[files["pdf"].pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [403] * len(urls)
    assert "Rapporter" not in client.get(reverse("home")).content.decode()


def test_menu_shows_reports_to_those_who_may_run_them(client, projektleder) -> None:
    client.force_login(projektleder)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("reporting:run_list")}"' in page


def test_run_page_marks_confidential_files_with_size(client, files, evaluator) -> None:
    client.force_login(evaluator)
    page = client.get(reverse("reporting:run_detail", args=[files["dataset"].run_id]))
    text = page.content.decode()
    assert "F.csv" in text and "FORTROLIGT" in text
    assert "12\xa0bytes" in text or "12 bytes" in text


def test_expiry_removes_old_files_and_the_page_says_so(client, files, projektleder) -> None:
    old = files["pdf"]
    path = old.file.path
    ReportFile.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=settings.REPORT_FILE_DAYS + 1)
    )
    client.force_login(projektleder)

    removed = services.reports_expire()

    assert removed == 1
    assert not ReportFile.objects.filter(pk=old.pk).exists()
    assert not old.file.storage.exists(old.file.name)
    import os

    assert not os.path.exists(path)
    run = ReportRun.objects.get(pk=old.run_id)
    assert run.files_expired_at is not None
    assert download(client, old)[0].status_code == 404
    # The run's other (newer) file is kept.
    assert files["confidential"].file.storage.exists(files["confidential"].file.name)


def test_expired_run_page_says_the_files_were_deleted(client, projektleder, ishoj) -> None:
    run = make_run(projektleder, ishoj, files_expired_at=timezone.now())
    client.force_login(projektleder)
    page = client.get(reverse("reporting:run_detail", args=[run.pk])).content.decode()
    assert "Filerne blev slettet" in page


# Schedules -----------------------------------------------------------------------------------


def test_schedule_create_list_and_stop(client, projektleder, ishoj) -> None:
    client.force_login(projektleder)

    response = client.post(
        reverse("reporting:schedule_create"),
        {
            "name": "Kvartalsrapport",
            "kind": "evaluation",
            "cadence": "quarterly",
            "municipalities": [ishoj.pk],
        },
    )

    schedule = ReportSchedule.objects.get()
    assert response.status_code == 302
    assert schedule.owner == projektleder and schedule.is_active
    assert schedule.next_run_on == services.next_run_date(Cadence.QUARTERLY, timezone.localdate())
    page = client.get(reverse("reporting:schedule_list")).content.decode()
    assert "Kvartalsrapport" in page and "Hvert kvartal" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="reporting.reportschedule"
    ).exists()

    client.post(reverse("reporting:schedule_deactivate", args=[schedule.pk]))

    schedule.refresh_from_db()
    assert not schedule.is_active
    assert "Stoppet" in client.get(reverse("reporting:schedule_list")).content.decode()


def test_scheduled_run_is_requested_when_due_and_builds(
    projektleder, ishoj, in_process, django_capture_on_commit_callbacks
) -> None:
    schedule = services.report_schedule_create(
        by=projektleder,
        name="Årsrapport",
        kind=ReportKind.EVALUATION,
        cadence=Cadence.YEARLY,
        municipalities=[ishoj],
        today=dt.date(2025, 6, 1),
    )
    assert schedule.next_run_on == dt.date(2026, 1, 1)

    with django_capture_on_commit_callbacks(execute=True):
        (run,) = services.schedules_run_due(today=dt.date(2026, 1, 1))

    run.refresh_from_db()
    assert (run.period_start, run.period_end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert run.status == RunStatus.DONE and run.schedule == schedule
    assert Notification.objects.filter(recipient=projektleder).count() == 1


def test_dataset_schedule_is_refused_without_the_dataset_permission(
    client, projektleder, ishoj
) -> None:
    client.force_login(projektleder)
    response = client.post(
        reverse("reporting:schedule_create"),
        {"name": "Data", "kind": "dataset", "cadence": "yearly", "municipalities": [ishoj.pk]},
    )
    assert response.status_code == 400
    assert not ReportSchedule.objects.exists()


def test_another_organisations_schedule_is_404(client, projektleder, other_provider_leader):
    from tests.factories.staffing import MunicipalityFactory

    theirs = MunicipalityFactory(name="Brøndby Kommune", municipality_code=153)
    other_provider_leader.organisation.serves.add(theirs)
    schedule = services.report_schedule_create(
        by=other_provider_leader,
        name="Deres plan",
        kind=ReportKind.EVALUATION,
        cadence=Cadence.YEARLY,
        municipalities=[theirs],
    )
    client.force_login(projektleder)

    response = client.post(reverse("reporting:schedule_deactivate", args=[schedule.pk]))

    assert response.status_code == 404
    assert "Deres plan" not in client.get(reverse("reporting:schedule_list")).content.decode()
