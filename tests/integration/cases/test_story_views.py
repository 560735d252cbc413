"""Stories of change through their screens (issue 6, item 3): a story in the teller's words,
marked as the family's words, with its domain, why it matters, the date and a clear consent
marker; corrections; refusals in Danish with nothing typed lost; access, audit and a query
count that does not grow with the stories."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import ChangeStory
from familieberedskab.models import AuditAction, AuditEvent
from tests.factories.cases import CourseFactory

pytestmark = pytest.mark.django_db

STORY = "Før råbte vi hver morgen. Nu spiser vi morgenmad sammen, og Noah går glad i skole."
WHY = "Jeg kan mærke, at jeg er en god mor igen."


@pytest.fixture
def course(family):
    return family.courses.get()


@pytest.fixture
def mette(family):
    return family.members.get(first_name="Mette")


def url(name, course, *args) -> str:
    return reverse(f"cases:{name}", args=[course.pk, *args])


def story_data(teller, **over) -> dict:
    data = {
        "teller_member": str(teller.pk) if teller else "",
        "teller_description": "",
        "told_on": timezone.localdate().isoformat(),
        "domain": "daily_life",
        "title": "Morgenerne",
        "story": STORY,
        "why_significant": WHY,
        "consent_to_use": "yes",
    }
    return {k: v for k, v in (data | over).items() if v is not None}


def make_story(course, by, n: int, **kw) -> ChangeStory:
    return ChangeStory.objects.create(
        course=course,
        teller_description=kw.pop("teller_description", "Mormor"),
        told_on=timezone.localdate() - dt.timedelta(days=n),
        domain="network",
        title=f"Fortælling {n}",
        story=f"Historie nummer {n}",
        why_significant="Fordi.",
        created_by=by,
        **kw,
    )


def test_team_records_a_story_in_the_tellers_words(client, course, assigned_worker, mette):
    client.force_login(assigned_worker)
    form = client.get(url("story_create", course)).content.decode()
    assert "Må bruges anonymiseret i rapporter" in form and 'name="consent_to_use"' in form

    response = client.post(url("story_create", course), story_data(mette))

    story = ChangeStory.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("story_list", course) + f"#story-{story.pk}"
    assert (story.teller_member, story.consent_to_use, story.created_by) == (
        mette,
        True,
        assigned_worker,
    )
    page = client.get(url("story_list", course)).content.decode()
    assert "Fortællingen er gemt." in page
    # The story in the teller's words, marked as the family's words.
    words = page.split('data-testid="story-text"', 1)[1].split("</blockquote>", 1)[0]
    assert STORY in words
    assert page.index("Familiens egne ord") < page.index(STORY)
    assert "fortalt af Mette Holmgård" in page and "Hverdagen og strukturen" in page
    assert WHY in page
    assert 'data-consent="yes"' in page
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="cases.changestory")
    assert event.course_id == course.pk and STORY not in str(event.values)


def test_teller_outside_the_family_is_written(client, course, assigned_worker) -> None:
    client.force_login(assigned_worker)

    response = client.post(
        url("story_create", course),
        story_data(None, teller_description="Mormor Grethe", consent_to_use="no"),
    )

    assert response.status_code == 302
    page = client.get(url("story_list", course)).content.decode()
    assert "fortalt af Mormor Grethe" in page and 'data-consent="no"' in page


def test_bad_input_is_refused_in_danish_and_nothing_typed_is_lost(
    client, course, assigned_worker, other_family
) -> None:
    client.force_login(assigned_worker)
    stranger = other_family.members.get()
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    data = story_data(None, title="", consent_to_use=None, domain="", told_on=future)

    response = client.post(url("story_create", course), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Det er ikke gemt. Ret de markerede felter" in html
    assert "Vælg hvem der fortalte, eller skriv det." in html
    assert "Giv fortællingen en overskrift." in html
    assert "Vælg hvilket område forandringen handler om." in html
    assert "Svar på, om fortællingen må bruges anonymiseret i rapporter." in html
    assert STORY in html and WHY in html  # nothing typed is lost
    # A date in the future and a teller from another family are refused too.
    response = client.post(url("story_create", course), story_data(stranger, told_on=future))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vælg et medlem af denne familie." in html
    response = client.post(url("story_create", course), story_data(None, teller_description="Far"))
    assert response.status_code == 302
    response = client.post(
        url("story_create", course), story_data(None, teller_description="Far", told_on=future)
    )
    assert "Datoen kan ikke ligge i fremtiden." in response.content.decode()
    assert ChangeStory.objects.count() == 1


def test_a_story_is_corrected(client, course, assigned_worker, mette) -> None:
    story = make_story(course, assigned_worker, 2, consent_to_use=True)
    client.force_login(assigned_worker)
    form = client.get(url("story_edit", course, story.pk)).content.decode()
    assert "Historie nummer 2" in form
    assert re.search(r'name="consent_to_use" value="yes"[^>]*checked', form)

    response = client.post(
        url("story_edit", course, story.pk), story_data(mette, consent_to_use="no")
    )

    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.story, story.consent_to_use, story.teller_member) == (STORY, False, mette)
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="cases.changestory", object_id=str(story.pk)
    ).exists()


def test_a_story_of_another_course_is_not_found(client, course, assigned_worker) -> None:
    other = CourseFactory(family=course.family, provider=course.provider)
    story = make_story(other, assigned_worker, 1)
    client.force_login(assigned_worker)

    assert client.get(url("story_edit", course, story.pk)).status_code == 404


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("radgiver", 200, 200),
        ("team_colleague", 200, 200),
        ("leader", 200, 403),
        ("outsider", 404, 404),
        ("other_municipality_radgiver", 404, 404),
        ("projektleder", 403, 403),
    ],
)
def test_access(client, request, course, assigned_worker, who, read, write) -> None:
    story = make_story(course, assigned_worker, 1)
    client.force_login(request.getfixturevalue(who))

    assert client.get(url("story_list", course)).status_code == read
    assert client.get(url("story_create", course)).status_code == write
    assert client.get(url("story_edit", course, story.pk)).status_code == write


def test_list_audits_each_story_and_does_not_grow_in_queries(
    client, course, assigned_worker
) -> None:
    client.force_login(assigned_worker)
    for n in range(2):
        make_story(course, assigned_worker, n)
    with CaptureQueriesContext(connection) as few:
        client.get(url("story_list", course))
    for n in range(2, 12):
        make_story(course, assigned_worker, n)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url("story_list", course)).content.decode()

    assert page.count('data-testid="story"') == 12
    assert len(many) == len(few)
    listed = AuditEvent.objects.filter(
        action=AuditAction.LIST, object_type="cases.changestory", detail="stories"
    )
    assert listed.count() == 2 + 12


def test_closed_course_shows_stories_without_edit_links(client, course, assigned_worker):
    story = make_story(course, assigned_worker, 1)
    course.status = "closed"
    course.end_date = timezone.localdate()
    course.save()
    client.force_login(assigned_worker)

    page = client.get(url("story_list", course)).content.decode()

    assert "Fortælling 1" in page
    assert url("story_create", course) not in page and url("story_edit", course, story.pk) not in (
        page
    )
    response = client.get(url("story_edit", course, story.pk))
    assert response.status_code == 302 and response["Location"] == url("story_list", course)
