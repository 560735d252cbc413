"""Reading a PDF back as text (pdftotext from poppler-utils), for every test that checks what a
PDF says. Without pdftotext the test is skipped — unless FB_REQUIRE_BROWSER=1 (CI, which
installs poppler-utils), where a missing tool fails the run instead of hiding the check."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def pdf_text(content: bytes, path: Path, *, layout: bool = False) -> str:
    """Write ``content`` to ``path`` (kept for a human to look at) and return its text with
    whitespace collapsed; ``layout`` keeps a table row on one line."""
    if not shutil.which("pdftotext"):
        if os.environ.get("FB_REQUIRE_BROWSER") == "1":
            pytest.fail("FB_REQUIRE_BROWSER=1 but pdftotext (poppler-utils) is missing")
        pytest.skip("pdftotext (poppler-utils) missing")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    options = ["-layout"] if layout else []
    text = subprocess.run(  # noqa: S603 - a fixed tool on our own file
        ["pdftotext", *options, "-enc", "UTF-8", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(text.split())
