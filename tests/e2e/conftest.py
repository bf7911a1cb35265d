"""Browser tests: a real Sinergi (`sinergi serve`: gunicorn and the worker) on a fresh SQLite
database in a temporary folder, driven by Playwright through Debian's Chromium.

Without Chromium the tests are skipped with a visible reason; CI sets SINERGI_REQUIRE_BROWSER=1,
which turns that skip into a failure. No browser is ever downloaded.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium_path() -> str | None:
    return os.environ.get("SINERGI_CHROMIUM") or shutil.which("chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        message = "chromium is not installed (Debian: apt-get install chromium)"
        if os.environ.get("SINERGI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"SINERGI_REQUIRE_BROWSER=1 but {message}")
        pytest.skip(f"SKIP browser tests: {message}")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def platform_url(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Sinergi as `make run` starts it, with the demo data, on a free loopback port."""
    var = tmp_path_factory.mktemp("sinergi-e2e")
    env = {
        **os.environ,
        "SINERGI_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'e2e.sqlite3'}",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    sinergi = [sys.executable, "-m", "sinergi"]
    for command in (["migrate", "--noinput", "-v0"], ["demo", "load", "--no-progress"]):
        subprocess.run(sinergi + command, env=env, check=True, capture_output=True)
    port = _free_port()
    log = (var / "serve.log").open("w")
    server = subprocess.Popen(
        [*sinergi, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a loaded 2-core machine boots gunicorn slowly
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(Path(log.name).read_text()) from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None
    )
    yield page
    context.close()
