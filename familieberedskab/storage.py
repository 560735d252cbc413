"""Private file storage for generated reports: files on disk outside the static and media
roots, never served by the web server — only streamed by a view that checks permission and
writes the download to the audit trail (reporting/views.py)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject


class _NoUrlFileSystemStorage(FileSystemStorage):
    def url(self, name: str | None) -> str:
        raise NotImplementedError("private files have no URL: stream them through a view")


class PrivateStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = _NoUrlFileSystemStorage(
            location=str(settings.PRIVATE_MEDIA_ROOT),
            base_url=None,
            file_permissions_mode=0o600,
            directory_permissions_mode=0o700,
        )


private_storage = PrivateStorage()


def private_storage_callable() -> FileSystemStorage:
    """For ``FileField(storage=…)``: a callable keeps the location out of migrations."""
    return private_storage
