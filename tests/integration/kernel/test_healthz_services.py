"""/healthz against the services it reports on.

On the embedded default the checks run in-process. With REDIS_URL set, the worker check is
a real task sent through the Redis broker to a real Celery worker (an embedded one, in a
thread) and its result read back from Redis. A broker that cannot be reached makes the
endpoint answer 503, so a load balancer takes the instance out.
"""

from unittest.mock import ANY

import pytest
from django.urls import reverse

from tests.celery_worker import REDIS_SETEX_DEPRECATED, purge_queue

# Nothing listens here: connecting is refused at once.
DOWN_BROKER = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_healthz_on_the_embedded_default_needs_no_login(client, celery_mode) -> None:
    celery_mode(eager=True)

    response = client.get(reverse("healthz"))  # nobody signed in

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True
    assert body["checks"]["broker"] == {"ok": True, "detail": "in-process", "ms": ANY}
    assert body["checks"]["worker"] == {"ok": True, "detail": "in-process", "ms": ANY}


@pytest.mark.django_db
def test_healthz_fails_with_503_when_the_broker_is_down(client, celery_mode) -> None:
    celery_mode(eager=False, broker=DOWN_BROKER)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["worker"] == {"ok": False, "detail": "no broker", "ms": 0}


# transaction=True: the worker's Django fix-up closes this thread's database connection when
# the worker starts, which would break the test's wrapping transaction.
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings(REDIS_SETEX_DEPRECATED)
def test_healthz_round_trip_through_redis_and_a_real_worker(
    client, settings, celery_mode, embedded_worker
) -> None:
    celery_mode(eager=False, broker=settings.REDIS_URL)
    purge_queue()  # tasks that other tests queued without a worker would otherwise go first

    with embedded_worker():
        response = client.get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["cache"] == {"ok": True, "detail": "RedisCache", "ms": ANY}
    assert body["checks"]["broker"] == {"ok": True, "detail": "redis", "ms": ANY}
    assert body["checks"]["worker"] == {"ok": True, "detail": "round trip", "ms": ANY}


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_fails_when_no_worker_takes_the_task(client, settings, celery_mode) -> None:
    """The round trip really needs a worker: with the broker up and none running, it times out."""
    celery_mode(eager=False, broker=settings.REDIS_URL)
    settings.HEALTHZ_TASK_TIMEOUT = 1.0

    try:
        response = client.get(reverse("healthz"))
    finally:
        purge_queue()  # the unanswered ping; no later worker should find it

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["broker"] == {"ok": True, "detail": "redis", "ms": ANY}
    assert body["checks"]["worker"] == {"ok": False, "detail": "TimeoutError", "ms": ANY}
