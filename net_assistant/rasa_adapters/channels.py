"""Our REST and Socket.IO input channels: Rasa's names, paths and events, hardened.

Both channels (credentials.yml):
- refuse a message longer than NET_MAX_MESSAGE_CHARS with a polite reply (``utter_message_too_long``
  in domain.yml) before the NLU reads a character of it, so no message can freeze the others;
- guarantee an answer: when a turn fails, produces nothing (the action server is down or
  restarting) or takes longer than NET_REPLY_TIMEOUT_SECONDS, the person gets
  ``utter_trouble`` instead of silence;
- log ids, sizes and outcomes, never the message text (unless NET_LOG_MESSAGE_TEXT=1).

REST (``RestInput``, path /webhooks/rest/webhook): a JSON object body only (415 for another
content type, 400 for anything but an object with a ``sender`` matching
``net_assistant.sessions.REST_SENDER`` and a string ``message``; 413 above
NET_MAX_REQUEST_BYTES). No shared ``default`` conversation; lone surrogates become U+FFFD.
Behind a proxy that sends an ``X-Request-ID`` (nginx's ``$request_id``, the same for a request
it retries on another replica) that id is the user message's: a retried turn the dead replica
had already stored is answered from the store, not taken (and stored) twice.

Socket.IO (``SocketIOInput``, path /socket.io): session ids are issued and signed by the server
(net_assistant.sessions); a socket posts only into the session it was confirmed for, and a
forged or unknown id gets a new session. Origins are checked against NET_CORS_ORIGINS. Frames
up to ``limits.MAX_SOCKET_FRAME_BYTES`` are read, so an over-long message gets the too-long reply
instead of vanishing in the transport (engine.io and Sanic drop frames over 1 MB). Two
fixes of Rasa 3.6 the widget depends on stay: ``send_custom_json`` sends ``{"custom": {...}}``
(Rasa's passed the payload as ``emit()`` arguments), and rooms are entered with ``await``.

Registering either channel also takes the Rasa version off ``/``, withdraws the credentials Rasa's
CORS set-up allows (the allowed origins stay) and bounds every log line; making either installs
net_assistant.rasa_adapters.speedups (per-message work Rasa repeats, done once) and
net_assistant.rasa_adapters.lock_fix (a retried message no longer waits for ever behind a dead
replica's ticket).
"""
from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
import time
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text, Tuple

from rasa.core.channels import rest, socketio
from rasa.core.channels.channel import (
    CollectingOutputChannel,
    OutputChannel,
    UserMessage,
    decode_bearer_token,
)
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer
import yaml

from net_assistant.rasa_adapters import lock_fix, speedups
from net_assistant.content.loading import PROJECT_DIR
from net_assistant.limits import MAX_SOCKET_FRAME_BYTES, without_lone_surrogates
from net_assistant.sessions import SessionIds, is_valid_rest_sender
from net_assistant.settings import Settings

logger = logging.getLogger(__name__)

TOO_LONG_RESPONSE = "utter_message_too_long"
TROUBLE_RESPONSE = "utter_trouble"
# What the channels say themselves (tests/test_validation.py counts them as used).
CHANNEL_RESPONSES = (TOO_LONG_RESPONSE, TROUBLE_RESPONSE)
JSON_MEDIA_TYPE = "application/json"
MAX_LOG_CHARS = 2000
# The proxy's id of a request (nginx: $request_id), the same when it retries the request on
# another replica: the REST channel stores it as the user message's id (see Turns.take).
REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class Turns:
    """One message in, an answer out, whatever happens in between (both channels)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app: Optional[Sanic] = None  # set when the channel is registered

    async def take(self, on_new_message: OnNewMessage, text: str, sender_id: str,
                   output: OutputChannel, channel: str, message_id: Optional[str] = None) -> None:
        """``message_id``: the proxy's request id (the same when it retries the request on
        another replica), stored on the user event; a turn already stored under it is not
        taken again but its answer sent again."""
        started = time.monotonic()
        if message_id and await self._replayed(message_id, sender_id, output):
            outcome = "replayed"
        elif len(text) > self.settings.max_message_chars:
            outcome = "refused: too long"
            await self.say(TOO_LONG_RESPONSE, output, sender_id,
                           max_chars=self.settings.max_message_chars)
        else:
            message = UserMessage(text, output, sender_id, input_channel=channel,
                                  message_id=message_id)
            outcome = await self._answered(on_new_message, message)
            if outcome != "answered":
                await self.say(TROUBLE_RESPONSE, output, sender_id)
        self._log(channel, sender_id, text, outcome, time.monotonic() - started)

    def _agent(self) -> Any:
        """The agent Rasa loaded into the app, or None (no model loaded, or not registered)."""
        return getattr(self.app.ctx, "agent", None) if self.app else None

    async def _replayed(self, message_id: str, sender_id: str, output: OutputChannel) -> bool:
        """Send the stored answer of the turn ``message_id`` if it is stored (a replica that
        died between saving the turn and sending its answer; the proxy asked another)."""
        agent = self._agent()
        if agent is None:
            return False
        tracker = await agent.tracker_store.retrieve(sender_id)
        replies = stored_answer(tracker.events if tracker else [], message_id)
        for reply in replies or []:
            await output.send_response(sender_id, reply)
        return replies is not None

    async def _answered(self, on_new_message: OnNewMessage, message: UserMessage) -> str:
        """How the turn went; a turn still running at the deadline goes on in the background
        (its conversation stays consistent) while the person is told to try again."""
        task = asyncio.ensure_future(on_new_message(message))
        try:
            await asyncio.wait_for(asyncio.shield(task), self.settings.reply_timeout_seconds)
        except asyncio.TimeoutError:
            task.add_done_callback(_log_late_failure)
            return "timed out"
        except Exception as error:  # noqa: BLE001 - the person gets an answer whatever failed
            logger.error("turn failed: %s", type(error).__name__,
                         exc_info=self.settings.log_message_text)
            return "failed"
        return "answered" if _sent(message.output_channel) else "no answer"

    async def say(self, name: str, output: OutputChannel, recipient_id: str,
                  **values: Any) -> None:
        """Send the domain response ``name`` over ``output`` in the normal response shape: the
        loaded model's, else the project's domain.yml (no model loaded, or one trained before
        the response existed), so that even then the person is not met with silence."""
        agent = self._agent()
        tracker = DialogueStateTracker(recipient_id, [])
        try:
            reply = None
            if agent is None:
                logger.error("no model loaded: %s comes from domain.yml", name)
            else:
                reply = await agent.nlg.generate(name, tracker, output.name(), **values)
                if reply is None:
                    logger.error("no response %s in the loaded model's domain: retrain", name)
            if reply is None:
                reply = await _copy_deck().generate(name, tracker, output.name(), **values)
            await output.send_response(recipient_id, reply)
        except Exception as error:  # noqa: BLE001 - a channel must answer, never crash
            logger.error("could not say %s: %s", name, type(error).__name__)

    def _log(self, channel: str, sender_id: str, text: str, outcome: str,
             seconds: float) -> None:
        level = logging.INFO if outcome == "answered" else logging.WARNING
        shown = f" text={text[:MAX_LOG_CHARS]!r}" if self.settings.log_message_text else ""
        logger.log(level, "turn channel=%s sender=%s chars=%d outcome=%s seconds=%.2f%s",
                   channel, sender_id, len(text), outcome, seconds, shown)


def stored_answer(events: Iterable[Event], message_id: str) -> Optional[List[Dict[str, Any]]]:
    """The bot messages that answered the user message ``message_id`` (None: not stored)."""
    replies: Optional[List[Dict[str, Any]]] = None
    for event in events:
        if isinstance(event, UserUttered):
            if replies is not None:
                break
            if event.message_id == message_id:
                replies = []
        elif isinstance(event, BotUttered) and replies is not None:
            replies.append({"text": event.text,
                            **{key: value for key, value in event.data.items() if value}})
    return replies


@functools.lru_cache(maxsize=1)
def _copy_deck() -> TemplatedNaturalLanguageGenerator:
    """The responses of the project's domain.yml, read once, when first needed."""
    domain = yaml.safe_load((PROJECT_DIR / "domain.yml").read_text(encoding="utf-8"))
    return TemplatedNaturalLanguageGenerator(domain["responses"])


def _install_rasa_fixes() -> None:
    """Before the agent, and so the tracker store and lock store, is made."""
    speedups.install()
    lock_fix.install()


def _sent(output: OutputChannel) -> int:
    if isinstance(output, CollectingOutputChannel):
        return len(output.messages)
    return getattr(output, "sent", 0)


def _log_late_failure(task: asyncio.Future) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("late turn failed: %s", type(task.exception()).__name__)


# --------------------------------------------------------------------------- the app as a whole

class _BoundedLogRecords(logging.Filter):
    """No log line longer than MAX_LOG_CHARS: a 10 MB message once wrote a 10.5 MB line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if len(message) > MAX_LOG_CHARS:
            record.msg, record.args = f"{message[:MAX_LOG_CHARS]}… [{len(message)} chars]", ()
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = "\n".join(line[:MAX_LOG_CHARS] for line in text.splitlines())
        return True


async def _root_without_version(request: Request) -> Optional[HTTPResponse]:
    """Rasa's ``/`` says "Hello from Rasa: <version>"; a health check needs no version."""
    if request.path == "/" and request.method in ("GET", "HEAD"):
        return response.json({"status": "ok"})
    return None


def _without_cors_credentials(app: Sanic) -> None:
    """Rasa's ``--cors`` tells allowed origins they may send credentials (cookies, HTTP
    authentication); the assistant uses neither, so no page, even an allowed one, is invited to.
    Rasa configures CORS before it registers the channels, so its options exist by now."""
    app.config.CORS_SUPPORTS_CREDENTIALS = False
    cors = getattr(app.ctx, "sanic_cors", None)  # None: plain rasa run, no CORS headers at all
    if cors is not None:
        for options in [cors.options, *(options for _, options in cors.resources)]:
            options["supports_credentials"] = False


def _harden(app: Sanic, turns: Turns) -> None:
    """What registering a channel does to the whole app (once)."""
    turns.app = app
    if getattr(app.ctx, "net_hardened", False):
        return
    app.ctx.net_hardened = True
    app.register_middleware(_root_without_version, "request")
    _without_cors_credentials(app)
    bounded = _BoundedLogRecords()
    for handler in logging.getLogger().handlers:
        handler.addFilter(bounded)


class _Hardening:
    """Mixed into a channel's blueprint: the app it is registered on gets hardened."""

    def __init__(self, turns: Turns, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ctx.turns = turns  # type: ignore[attr-defined]

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        _harden(app, self.ctx.turns)  # type: ignore[attr-defined]
        super().register(app, options)  # type: ignore[misc]


class _ChannelBlueprint(_Hardening, Blueprint):
    pass


class _SocketBlueprint(_Hardening, socketio.SocketBlueprint):
    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        # Sanic closes a WebSocket on a message over 1 MiB before engine.io sees it.
        app.config.WEBSOCKET_MAX_SIZE = max(app.config.WEBSOCKET_MAX_SIZE, MAX_SOCKET_FRAME_BYTES)
        super().register(app, options)


# --------------------------------------------------------------------------- REST

class RequestRejected(Exception):
    """A request the REST channel answers with a 4xx status."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def request_id(header: Optional[str]) -> Optional[str]:
    """The request id if it is one (16-64 letters, digits, ``-`` or ``_``), else None."""
    return header if header and REQUEST_ID.fullmatch(header) else None


def parse_rest_request(content_type: Optional[str], body: bytes) -> Tuple[str, str]:
    """(sender, message) of a REST request, or :class:`RequestRejected` saying what is wrong."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != JSON_MEDIA_TYPE and not media_type.endswith("+json"):
        raise RequestRejected(415, f"the body must be JSON (Content-Type: {JSON_MEDIA_TYPE})")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RequestRejected(400, "the body is not valid JSON in UTF-8") from None
    if not isinstance(data, dict):
        raise RequestRejected(400, 'the body must be a JSON object: {"sender": …, "message": …}')
    if not is_valid_rest_sender(data.get("sender")):
        raise RequestRejected(400, "sender is required: 1-64 letters, digits, '.', '_' or '-'")
    if not isinstance(data.get("message"), str):
        raise RequestRejected(400, "message is required and must be a string")
    return data["sender"], without_lone_surrogates(data["message"])


async def _read_body(request: Request, limit: int) -> Optional[bytes]:
    """The body, or None as soon as it is longer than ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: List[bytes] = []
    size = 0
    while True:
        chunk = await request.stream.read()  # type: ignore[union-attr]
        if chunk is None:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)


class RestInput(rest.RestInput):
    """Rasa's ``rest`` channel (same name and path), strict about what it accepts.

    Not supported from Rasa's: ``?stream=true``, a client-chosen ``input_channel`` and
    client ``metadata`` (nothing the client claims is stored beyond its message)."""

    def __init__(self) -> None:
        _install_rasa_fixes()
        self.turns = Turns(Settings.from_environment())

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        blueprint = _ChannelBlueprint(self.turns, "net_rest_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            body = await _read_body(request, self.turns.settings.max_request_bytes)
            if body is None:
                return response.json({"error": "the request is too large"}, status=413)
            try:
                sender, text = parse_rest_request(request.headers.get("content-type"), body)
            except RequestRejected as rejected:
                return response.json({"error": rejected.reason}, status=rejected.status)
            collector = CollectingOutputChannel()
            await self.turns.take(on_new_message, text, sender, collector, self.name(),
                                  request_id(request.headers.get(REQUEST_ID_HEADER)))
            return response.json(list(collector.messages))

        return blueprint


# --------------------------------------------------------------------------- Socket.IO

class SocketIOOutput(socketio.SocketIOOutput):
    """Rasa's, counting what it sends, with custom payloads as ``{"custom": {...}}``."""

    def __init__(self, sio: AsyncServer, bot_message_evt: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def _send_message(self, socket_id: Text, message: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, message)

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class SocketIOInput(socketio.SocketIOInput):
    """Same name, path and events as Rasa's ``socketio`` channel; sessions always persist
    (a reload or reconnect with its server-issued id continues the conversation)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _install_rasa_fixes()
        settings = Settings.from_environment()
        self.turns = Turns(settings)
        self.sessions = SessionIds(settings.session_secret)

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return super().get_output_channel()
        return SocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        origins = list(self.turns.settings.cors_origins) or None  # None: same origin only
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=origins,
                          cors_credentials=False, max_http_buffer_size=MAX_SOCKET_FRAME_BYTES)
        self.sio = sio
        blueprint = _SocketBlueprint(self.turns, sio, self.socketio_path,
                                     "socketio_webhook", __name__)
        namespace = self.namespace

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            return self._authorised(auth)

        # ``data`` is optional: a client may emit an event with no argument at all (Rasa's
        # handlers then failed with a TypeError and the client got no session or no reply).
        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Any = None) -> None:
            claimed = data.get("session_id") if isinstance(data, dict) else None
            await self._confirm(sid, self.sessions.verified(claimed) or self.sessions.issue())

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: Text, data: Any = None) -> None:
            session = await sio.get_session(sid, namespace=namespace)
            tracker_id = session.get("tracker_id") or await self._confirm(
                sid, self.sessions.issue())
            text = data.get("message") if isinstance(data, dict) else None
            text = without_lone_surrogates(text) if isinstance(text, str) else ""
            output = SocketIOOutput(sio, self.bot_message_evt)
            await self.turns.take(on_new_message, text, tracker_id, output, self.name())

        return blueprint

    def _authorised(self, auth: Optional[Dict]) -> bool:
        """Rasa's optional JWT check (``jwt_key`` in credentials.yml)."""
        if not self.jwt_key:
            return True
        token = auth.get("token") if isinstance(auth, dict) else None
        return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

    async def _confirm(self, sid: Text, session_id: str) -> str:
        """Bind the socket to ``session_id`` (leaving any session it had) and tell it so."""
        sio, namespace = self.sio, self.namespace
        tracker_id = SessionIds.tracker_id(session_id)
        previous = (await sio.get_session(sid, namespace=namespace)).get("tracker_id")
        if previous and previous != tracker_id:
            await sio.leave_room(sid, previous, namespace=namespace)
        await sio.enter_room(sid, tracker_id, namespace=namespace)
        await sio.save_session(sid, {"tracker_id": tracker_id}, namespace=namespace)
        await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)
        return tracker_id
