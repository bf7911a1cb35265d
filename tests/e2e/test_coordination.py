"""Agencies that work as one, in a real browser: three agencies' officials each sign in and
vote on a proposal of the rural programme's forum, the lead closes the vote and assigns the
resulting action, and when it is overdue (the escalation job run with a later ``now``, no
sleeping) it is escalated to the lead and then to the coordinating ministry. The integration
map is screenshotted and its table lists the same relations as the picture."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import _free_port

try:  # the shared axe helper of the web layout
    axe: Any = importlib.import_module("tests.e2e.axe")
except ImportError:
    axe = None

DEMO_PASSWORD = "sinergi-demo-2026"
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
FORUM = "/coordination/bodies/forum-pembangunan-desa/"


@pytest.fixture(scope="module")
def platform(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Like ``platform_url``, and also the environment, to run commands against its database."""
    var = tmp_path_factory.mktemp("sinergi-e2e-coordination")
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
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a loaded CI machine starts slowly
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(Path(log.name).read_text()) from None
                time.sleep(0.3)
        yield {"url": url, "env": env, "sinergi": sinergi}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def sign_in(browser: Any, url: str, username: str) -> Any:
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{url}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/sign-in/" not in page.url, f"{username} could not sign in"
    return page


def check(page: Any, name: str) -> None:
    if axe is not None:
        axe.assert_accessible(page, name)


def test_three_agencies_vote_and_the_overdue_action_is_escalated(
    browser: Any, platform: dict[str, Any]
) -> None:
    url = platform["url"]
    lead = sign_in(browser, url, "koordinator.pmk")
    lead.goto(url + FORUM)
    assert "Kementerian PU" in lead.inner_text("#members-table")
    check(lead, "coordination-body")
    lead.fill("#proposal_title", "Rencana aksi jalan desa 2027")
    lead.fill("#proposal_text", "Anggota menyepakati rencana aksi bersama jalan desa 2027.")
    lead.click("form[action$='/proposals/'] button[type=submit]")
    lead.wait_for_url(re.compile(r"/coordination/proposals/\d+/$"))
    proposal_url = lead.url

    for username, agency in (("pu.desa", "kemen-pu"), ("bappenas.desa", "bappenas"),
                             ("kemendes.pdt", "kemendes-pdt")):  # fmt: skip
        voter = sign_in(browser, url, username)
        voter.goto(proposal_url)
        voter.check("input[name=choice][value=yes]")
        voter.click("form[action$='/votes/'] button[type=submit]")
        voter.wait_for_url(proposal_url)
        assert agency in voter.inner_text("#votes")
        assert voter.locator("input[name=choice]").count() == 0, "one agency, one vote"
        check(voter, f"coordination-vote-{agency}")
        voter.context.close()

    lead.goto(proposal_url)
    lead.click("form[action$='/close/'] button[type=submit]")
    lead.wait_for_url(proposal_url)
    assert lead.locator("#result").count() == 1
    lead.select_option("#action_agency", "kemendes-pdt")
    lead.fill("#action_title", "Petakan ruas jalan desa prioritas")
    lead.fill("#action_working_days", "5")
    lead.click("form[action$='/action-items/'] button[type=submit]")
    lead.wait_for_url(re.compile(r"/coordination/action-items/\d+/$"))
    item_url = lead.url
    assert lead.locator("#escalations").count() == 0

    later = (datetime.now(UTC) + timedelta(days=60)).isoformat()
    run = subprocess.run(
        [*platform["sinergi"], "coordination", "escalate", "--now", later],
        env=platform["env"], check=True, capture_output=True, text=True,
    )  # fmt: skip
    assert run.stdout.strip() == "action items escalated: 1"

    assignee = sign_in(browser, url, "kemendes.pdt")
    assignee.goto(item_url)
    rows = assignee.locator("#escalations tbody tr")
    assert rows.count() == 3  # reminder, lead, coordinating ministry
    assert "kemenko-pmk" in rows.nth(2).inner_text()
    check(assignee, "coordination-action-escalated")
    assert assignee.console_errors == []
    lead.context.close()
    assignee.context.close()


def test_the_integration_map_renders_and_its_table_lists_the_same_relations(
    browser: Any, platform: dict[str, Any]
) -> None:
    def drawn_and_listed(page: Any) -> tuple[list[str], list[str]]:
        lines = page.eval_on_selector_all(
            "#integration-map line", "els => els.map(e => e.dataset.body)"
        )
        rows = page.eval_on_selector_all(
            "#relations tbody tr", "els => els.map(e => e.dataset.body)"
        )
        return lines, rows

    lead = sign_in(browser, platform["url"], "koordinator.pmk")
    lead.goto(platform["url"] + "/coordination/map/")
    assert drawn_and_listed(lead) == (["forum-pembangunan-desa"] * 3,) * 2
    lead.context.close()

    auditor = sign_in(browser, platform["url"], "auditor")  # sees every body
    auditor.goto(platform["url"] + "/coordination/map/")
    lines, rows = drawn_and_listed(auditor)
    assert lines == rows
    assert sorted(set(lines)) == ["forum-pembangunan-desa", "satgas-waspada-investasi"]
    assert len(lines) == 3 + 12
    box = auditor.locator("#integration-map svg").bounding_box()
    assert box is not None
    assert box["width"] > 300
    RESULTS.mkdir(exist_ok=True)
    auditor.screenshot(path=str(RESULTS / "coordination-integration-map.png"), full_page=True)
    check(auditor, "coordination-map")
    auditor.fill("#id_sector", "jasa keuangan")
    auditor.click("form.sg-map-filter button[type=submit]")
    auditor.wait_for_url("**sector=**")
    lines, rows = drawn_and_listed(auditor)
    assert lines == rows == ["satgas-waspada-investasi"] * 12
    auditor.context.close()
