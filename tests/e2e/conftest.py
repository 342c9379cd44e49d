"""Browser fixtures: the demo page served from web/, Debian's Chromium driven by Playwright.

The widget talks to the real Rasa server and action server (the ``assistant`` fixture of
tests/conftest.py). `scripts/install_browser_deps.sh` installs Chromium and vendors
socket.io-client; without them these tests fail (they are not skipped: CI must run them).
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import re
import socket
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple
from urllib.parse import urlencode

import pytest
from playwright.sync_api import (
    Browser, Locator, Page, WebSocket, WebSocketRoute, expect, sync_playwright,
)

from net_assistant.content.loading import PROJECT_DIR
from net_assistant.servers import free_port

WEB_DIR = PROJECT_DIR / "web"
SCREENSHOT_DIR = PROJECT_DIR / "build" / "screenshots"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
SETUP_HINT = "run scripts/install_browser_deps.sh (make test-browser does)"
ANSWER_TIMEOUT_SECONDS = 60

# The contrast of each element's text against the background it is drawn on, as the browser
# paints it (the first opaque background among the element and its ancestors), WCAG 2 formula.
CONTRAST_JS = """
(selectors) => {
    const rgb = value => (value.match(/[\\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
        const channel = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const background = node => {
        for (; node && node.nodeType === 1; node = node.parentElement) {
            const color = rgb(getComputedStyle(node).backgroundColor);
            if (color.length === 3 || color[3] === 1) return color.slice(0, 3);
        }
        return [255, 255, 255];
    };
    const ratio = (a, b) => {
        const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
        return (hi + 0.05) / (lo + 0.05);
    };
    const result = {};
    for (const [name, selector, pseudo] of selectors) {
        const node = document.querySelector(selector);
        if (!node) { result[name] = null; continue; }
        const color = rgb(getComputedStyle(node, pseudo || null).color).slice(0, 3);
        result[name] = Math.round(ratio(color, background(node)) * 100) / 100;
    }
    return result;
}
"""


def socketio_event(frame: Any) -> Optional[Tuple[str, Any]]:
    """(event, data) of a Socket.IO event frame ('42["name", data]'), else None."""
    if not isinstance(frame, str) or not frame.startswith("42"):
        return None
    name, *data = json.loads(frame[2:])
    return name, data[0] if data else None


class WidgetPage:
    """The demo page with the widget, as a person sees and uses it, plus a record of the
    Socket.IO traffic so tests can compare what the page shows with what the server sent."""

    def __init__(self, page: Page, web_url: str) -> None:
        self.page = page
        self.web_url = web_url
        self.received: List[Tuple[str, Any]] = []
        self.sent: List[Tuple[str, Any]] = []
        self.dialogs: List[str] = []
        self.errors: List[str] = []
        page.on("websocket", self._record)
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _record(self, socket_: WebSocket) -> None:
        for direction, log in (("framereceived", self.received), ("framesent", self.sent)):
            socket_.on(direction, lambda frame, log=log: _append_event(log, frame))

    # ------------------------------------------------------------------ navigation
    def goto(self, server_url: str, **settings: str) -> None:
        """The demo page pointed at `server_url` (the page allows ?netw-* settings)."""
        query = {"netw-server-url": server_url}
        query.update({f"netw-{name.replace('_', '-')}": value for name, value in settings.items()})
        self.page.goto(f"{self.web_url}/?{urlencode(query)}")
        expect(self.launcher).to_be_visible()

    def open(self) -> None:
        self.launcher.click()
        expect(self.input).to_be_focused()

    def wait_until_connected(self) -> None:
        expect(self.page.locator(".netw-status")).to_be_hidden(timeout=30_000)

    # ------------------------------------------------------------------ what a person sees
    @property
    def launcher(self) -> Locator:
        return self.page.get_by_role("button", name=re.compile("Chat with our assistant"))

    @property
    def panel(self) -> Locator:
        return self.page.get_by_role("region", name="NET treatment information")

    @property
    def input(self) -> Locator:
        return self.page.get_by_role("textbox", name="Your question")

    @property
    def send_button(self) -> Locator:
        return self.page.get_by_role("button", name="Send", exact=True)

    @property
    def log(self) -> Locator:
        return self.page.get_by_role("log")

    @property
    def status(self) -> Locator:
        return self.page.get_by_role("status")

    @property
    def bot_messages(self) -> Locator:
        return self.log.locator(".netw-msg--bot")

    @property
    def user_messages(self) -> Locator:
        return self.log.locator(".netw-msg--user")

    @property
    def quick_replies(self) -> Locator:
        return self.log.get_by_role("group", name="Suggested replies").get_by_role("button")

    def message_texts(self) -> List[str]:
        """Each bubble's visible text (citations and labels included), in order."""
        return [text.strip() for text in self.log.locator(".netw-msg").all_inner_texts()]

    # ------------------------------------------------------------------ talking
    def ask(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def bot_events(self) -> List[Any]:
        return [data for name, data in self.received if name == "bot_uttered"]

    def wait_for_metadata(self, kinds: Sequence[str], since: int,
                          timeout: float = ANSWER_TIMEOUT_SECONDS) -> Dict[str, Any]:
        """The first answer metadata of one of `kinds` among bot events after index `since`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.bot_events()[since:]:
                custom = event.get("custom") if isinstance(event, dict) else None
                if custom and custom.get("kind") in kinds:
                    return custom
            self.page.wait_for_timeout(50)
        raise AssertionError(f"no {kinds} answer within {timeout}s; the server sent "
                             f"{self.bot_events()[since:]}")

    def ask_and_wait(self, text: str, kinds: Sequence[str]) -> Dict[str, Any]:
        since = len(self.bot_events())
        self.ask(text)
        return self.wait_for_metadata(kinds, since)

    def texts_sent_by_server(self, since: int = 0) -> List[str]:
        return [event["text"] for event in self.bot_events()[since:]
                if isinstance(event, dict) and event.get("text")]

    def contrast_ratios(self, elements: Sequence[Tuple[str, str, Optional[str]]]) -> Dict[str, Optional[float]]:
        """{name: contrast ratio} of (name, CSS selector, pseudo-element) triples; None if absent."""
        return self.page.evaluate(CONTRAST_JS, [list(element) for element in elements])

    def session_requests(self) -> List[Optional[str]]:
        """The ids the page asked for (None: "issue me one")."""
        return [(data or {}).get("session_id") for name, data in self.sent
                if name == "session_request"]

    def confirmed_sessions(self) -> List[str]:
        """The session ids the server confirmed (it issues them), in order."""
        return [data for name, data in self.received if name == "session_confirm"]

    def wait_for_stored_session(self, other_than: Optional[str] = None) -> str:
        """The session id in storage once the server has confirmed one (not ``other_than``)."""
        self.page.wait_for_function(
            """(old) => Object.keys(localStorage).some(key => key.startsWith("netWidget:session:")
                        && JSON.parse(localStorage.getItem(key)) !== old)""", arg=other_than)
        return self.stored_session_id()

    def stored_session_id(self) -> Optional[str]:
        return self.page.evaluate(
            """() => Object.keys(localStorage)
                     .filter(key => key.startsWith("netWidget:session:"))
                     .map(key => JSON.parse(localStorage.getItem(key)))[0] || null"""
        )


def _append_event(log: List[Tuple[str, Any]], frame: Any) -> None:
    event = socketio_event(frame)
    if event:
        log.append(event)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


@pytest.fixture(scope="session")
def web_url(demo_page_port: int) -> Iterator[str]:
    """The demo page, served from web/ as `make run` serves it (a plain static server), on the
    one origin the servers allow (NET_CORS_ORIGINS)."""
    if not (WEB_DIR / "widget" / "vendor" / "socket.io.min.js").exists():
        pytest.fail(f"socket.io-client is not vendored into web/widget/vendor: {SETUP_HINT}")
    handler = functools.partial(_QuietHandler, directory=str(WEB_DIR))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", demo_page_port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium (Playwright downloads no browser of its own here).

    Module-scoped: Playwright's sync API keeps an event loop running while it is open, which
    would break ``asyncio.run`` in the tests that run after the browser tests."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: {SETUP_HINT}")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def rasa_url(assistant: Any) -> str:
    return assistant.rasa_url


@pytest.fixture
def open_widget_page(chromium: Browser, web_url: str) -> Iterator:
    """A factory: a fresh browser context (empty storage) at a given viewport, per call."""
    contexts = []

    def open_page(viewport: Optional[dict] = None, **context_options: Any) -> WidgetPage:
        context = chromium.new_context(viewport=viewport or DESKTOP, **context_options)
        contexts.append(context)
        return WidgetPage(context.new_page(), web_url)

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def widget(open_widget_page: Any, rasa_url: str) -> WidgetPage:
    """The demo page on a desktop screen, talking to the real assistant, chat not yet open."""
    page = open_widget_page()
    page.goto(rasa_url)
    return page


class RoutedSocket:
    """The page's Socket.IO connection to the real server, passed through Playwright so a test
    can hold the server's messages back for a while, or slip in messages the real assistant
    would never send (as a compromised or buggy server might)."""

    def __init__(self, widget: WidgetPage) -> None:
        self.widget = widget
        self._page_side: Optional[WebSocketRoute] = None
        self._held: Optional[List[Any]] = None
        widget.page.route_web_socket(re.compile(r".*/socket\.io/.*"), self._connect)

    def _connect(self, page_side: WebSocketRoute) -> None:
        server_side = page_side.connect_to_server()
        page_side.on_message(server_side.send)
        server_side.on_message(self._from_server)
        self._page_side = page_side

    def _from_server(self, frame: Any) -> None:
        if self._held is not None and socketio_event(frame):
            self._held.append(frame)
        else:
            self._page_side.send(frame)

    def hold(self) -> None:
        """Keep the server's events from the page until :meth:`release`."""
        self._held = []

    def release(self) -> None:
        held, self._held = self._held or [], None
        for frame in held:
            self._page_side.send(frame)

    def inject(self, *messages: Dict[str, Any]) -> None:
        """`bot_uttered` events as the Rasa server sends them."""
        for message in messages:
            self._page_side.send("42" + json.dumps(["bot_uttered", message]))


@pytest.fixture
def routed(open_widget_page: Any, rasa_url: str) -> RoutedSocket:
    widget = open_widget_page()
    routed = RoutedSocket(widget)
    widget.goto(rasa_url)
    return routed


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


class TcpProxy:
    """A local TCP forwarder that can be switched off and on, to take the server away from
    the page (and give it back) without stopping the real, shared Rasa server."""

    def __init__(self, target_port: int, port: Optional[int] = None) -> None:
        self.target_port = target_port
        self.port = port or free_port()
        self._listener: Optional[socket.socket] = None
        self._connections: List[socket.socket] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """Refuse new connections and cut the open ones."""
        with self._lock:
            if self._listener:
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
                self._listener.close()
                self._listener = None
            for connection in self._connections:
                _close(connection)
            self._connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        _close(source)
        _close(sink)


def _close(connection: socket.socket) -> None:
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    connection.close()


@pytest.fixture
def rasa_proxy(assistant: Any) -> Iterator[TcpProxy]:
    port = int(assistant.rasa_url.rsplit(":", 1)[1])
    proxy = TcpProxy(port)
    proxy.start()
    yield proxy
    proxy.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: end-to-end test in headless Chromium")
