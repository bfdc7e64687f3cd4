"""Browser tests of the built site (_build/html), in headless Chromium via Playwright.

The site is served on loopback; every request that would leave loopback is blocked and
recorded. Screenshots of every page are saved to _build/site-screenshots/ as artifacts.
Without chromium the browser tests are skipped, and the skip is announced loudly.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "site-screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SKIP_BANNER = (
    "BROWSER TESTS SKIPPED: no chromium on this machine. Install Debian's "
    "`chromium` (.ci/run does) to run tests/site/test_browser.py."
)


def site_pages() -> list[str]:
    """Every HTML page of the built site, relative to its root."""
    if not HTML.exists():
        return []
    return sorted(
        str(p.relative_to(HTML))
        for p in HTML.rglob("*.html")
        if not p.relative_to(HTML).parts[0].startswith("_") and not _is_redirect(p)
    )


def _is_redirect(path: Path) -> bool:
    """A page that only sends the reader elsewhere (index.html -> intro.html)."""
    text = path.read_text(encoding="utf-8", errors="ignore")
    return len(text) < 300 and 'http-equiv="Refresh"' in text


def pytest_report_header(config):
    return None if CHROMIUM else SKIP_BANNER


def pytest_terminal_summary(terminalreporter):
    if not CHROMIUM:
        terminalreporter.write_sep("!", SKIP_BANNER, red=True, bold=True)


@pytest.fixture(scope="session")
def built_site() -> Path:
    if not (HTML / "index.html").exists():
        pytest.fail("no built site in _build/html: run `make book` first")
    return HTML


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(built_site):
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip(SKIP_BANNER)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield b
        b.close()
