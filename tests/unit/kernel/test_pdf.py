"""The PDF helper: renders a template, reads our static files, fetches nothing else."""

import pytest

from familieberedskab import pdf
from tests.pdftext import pdf_text


def test_static_fetcher_serves_our_static_files() -> None:
    body, mime_type = pdf.static_file(pdf.BASE_URL + "static/css/app.css")
    assert mime_type == "text/css"
    assert len(body) > 0


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/static/css/app.css",
        "http://127.0.0.1:8000/static/css/app.css",
        "file:///etc/passwd",
        pdf.BASE_URL + "media/x.png",
        pdf.BASE_URL + "static/../familieberedskab/settings.py",
        pdf.BASE_URL + "static/nope.css",
    ],
)
def test_static_fetcher_refuses_everything_else(url: str) -> None:
    with pytest.raises(pdf.FetchRefused):
        pdf.static_file(url)


def test_render_pdf_leaves_out_a_remote_image_and_uses_a_static_style(
    tmp_path, settings, caplog
) -> None:
    # A new list (not an in-place edit), so pytest-django restores it and the template
    # engines are rebuilt for the tests after this one.
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    (tmp_path / "t.html").write_text(
        '<html><head><link rel="stylesheet" href="/static/css/app.css"></head>'
        '<body><p>Familiens plan æøå</p><img src="https://example.com/x.png">'
        '<svg width="10" height="10"><rect width="10" height="10"/></svg></body></html>'
    )
    content = pdf.render_pdf("t.html", {})
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path / "t.pdf")
    assert "Familiens plan æøå" in text
    refused = [r.getMessage() for r in caplog.records if "example.com" in r.getMessage()]
    assert refused, "the remote image should have been refused"
    assert not [
        r.getMessage()
        for r in caplog.records
        if r.levelname in {"WARNING", "ERROR"} and "app.css" in r.getMessage()
    ]
