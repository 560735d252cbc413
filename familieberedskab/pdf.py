"""PDFs rendered with WeasyPrint from a Django template.

WeasyPrint fetches what a document refers to (style sheets, images, fonts). Here it may only
read our own static files, found through Django's staticfiles finders: no network fetch ever
leaves the process (a printed plan is about a child; a remote URL in it must not leak that
it was printed), and no file outside the static directories can be read. Charts and maps are
inline SVG, so they need no fetching at all.
"""

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

# A base URL that only means "our static files"; nothing is ever fetched from this host.
BASE_URL = "https://familieberedskab.invalid/"


class FetchRefused(ValueError):
    """A document referred to something outside our static files."""


def static_file(url: str) -> tuple[bytes, str]:
    """The content and MIME type of one of our static files named by ``url`` (under
    :data:`BASE_URL`); :class:`FetchRefused` for anything else."""
    parts = urlsplit(url)
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(static_prefix):
        raise FetchRefused(f"PDF resource refused: {parts.scheme}://{parts.netloc}")
    relative = unquote(parts.path[len(static_prefix) :])
    found = None if ".." in Path(relative).parts else finders.find(relative)
    if not found:
        raise FetchRefused(f"PDF resource not found: {relative}")
    path = Path(found if isinstance(found, str) else found[0])
    mime_type, _ = mimetypes.guess_type(path.name)
    return path.read_bytes(), mime_type or "application/octet-stream"


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """WeasyPrint's fetcher, narrowed: data: URLs and our static files, nothing else
        (a refused resource is left out with a warning in the log)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            body, mime_type = static_file(url)
            return URLFetcherResponse(url, body, {"Content-Type": mime_type})

    return StaticOnlyFetcher(allowed_protocols=("data", "https"))


def render_pdf(template: str, context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    """The template rendered to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf()


def pdf_response(content: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """A PDF download. ``filename`` must not carry personal data (it ends up in browser
    histories and download folders): callers use ids and dates."""
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
