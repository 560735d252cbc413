"""Fixtures for the integration tests beyond the shared ones in tests/conftest.py."""

from tests.celery_worker import celery_mode, embedded_worker

__all__ = ["celery_mode", "embedded_worker"]
