"""The editors' report in Chromium: every section and plot is drawn, and the page fetches nothing.

The report is built from real conversations with the running assistant (plus feedback clicks
stored as Rasa stores user events), then served by a local static server so that Playwright
sees every request the page makes — the only one allowed is the page itself.
"""
from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from typing import Iterator, List

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Route, expect

from net_assistant.report.build import write_report
from tests.conftest import Chat
from tests.real_conversations import SECRETS, copy_conversations, have_conversations

pytestmark = pytest.mark.browser

PLOTS = {"activity": 1, "topics": 1, "outcomes": 1, "safety": 1, "feedback": 2}
SECTIONS = ("activity", "topics", "outcomes", "safety", "feedback", "todo")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


@pytest.fixture(scope="module")
def report_url(assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("report-page")
    recorded = have_conversations(assistant.rasa_url, f"report-page-{os.getpid()}")
    # a real "Not helpful" click on the first conversation's last answer
    assert Chat(assistant.rasa_url, recorded.senders[0]).send("/feedback_not_helpful").kinds == [
        "feedback"]
    db = copy_conversations(assistant.tracker_db, recorded.senders, workdir / "tracker.db")
    write_report(sa.engine.make_url(f"sqlite:///{db}"), workdir / "report.html", quiet=True)
    handler = functools.partial(_QuietHandler, directory=str(workdir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/report.html"
    server.shutdown()
    server.server_close()


def test_the_report_draws_every_section_and_plot_and_fetches_nothing(chromium: Browser,
                                                                     report_url: str):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    requests: List[str] = []
    console_errors: List[str] = []

    def only_the_page(route: Route) -> None:
        requests.append(route.request.url)
        if route.request.url == report_url:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_the_page)
    page = context.new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(report_url, wait_until="networkidle")

    for section in SECTIONS:
        expect(page.locator(f"section#{section} h2")).to_be_visible()
    for section, count in PLOTS.items():
        plots = page.locator(f"section#{section} svg[role=img]")
        expect(plots).to_have_count(count)
        for index in range(count):
            box = plots.nth(index).bounding_box()
            assert box and box["width"] > 300 and box["height"] > 100, (section, box)
            assert plots.nth(index).get_attribute("aria-label")
    expect(page.locator("section#todo tbody tr").first).to_be_visible()
    page.locator("section#topics summary").click()
    expect(page.locator("section#topics details table")).to_be_visible()
    body = page.locator("body").inner_text()
    assert not [secret for secret in SECRETS if secret in body]
    assert "[email]" in body and "[phone]" in body

    assert requests == [report_url]
    assert console_errors == []
    context.close()


def test_the_report_file_opens_on_its_own_from_disk(chromium: Browser, report_url: str,
                                                    tmp_path: Path):
    """Saved and opened as a file (as an editor would from an e-mail), it is still complete."""
    context = chromium.new_context()
    page = context.new_page()
    page.goto(report_url)
    saved = tmp_path / "saved.html"
    saved.write_text(page.content())
    fetched: List[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(saved.as_uri())
    expect(page.locator("svg[role=img]")).to_have_count(sum(PLOTS.values()))
    assert fetched == [saved.as_uri()]
    context.close()
