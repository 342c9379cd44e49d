"""The action server as ``make run`` starts it: rasa_sdk's own app, with three changes.

- It listens on ACTION_HOST [127.0.0.1]: only the Rasa server on this machine talks to it.
- Its keep-alive timeout is ACTION_KEEP_ALIVE_SECONDS [120], not Sanic's 5 s. Sanic counts
  that timeout from the moment a connection opens; under a burst Rasa opens a connection and
  writes its request seconds later, and the action server had closed it meanwhile (18–38 of
  200 simultaneous questions got no answer).
- An action that fails gets a 500 without the request (rasa_sdk's echoes the whole tracker,
  every message of the conversation, which Rasa then writes into its log), and no CORS.
- With NET_ACTION_TOKEN set (``make run`` always sets it), a request to run or list actions
  without that token (the ``token`` query parameter Rasa's action endpoint sends) gets a 401:
  whoever reaches the port cannot read or write conversations through it.

Plain ``rasa run actions`` gets the same token guard, keep-alive and errors (the ``actions``
package applies them to rasa_sdk's app as it is imported), not the host: it binds SANIC_HOST
[0.0.0.0] (see README).
Usage: ``python -m net_assistant.rasa_adapters.action_server --actions actions --port 5055``.
"""
from __future__ import annotations

import hmac
import logging
import os
from typing import Any, Callable, Coroutine, List, Optional

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app, create_argument_parser
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from net_assistant.settings import ACTION_TOKEN_PARAMETER, ACTION_TOKEN_VARIABLE

ACTION_HOST_VARIABLE = "ACTION_HOST"
KEEP_ALIVE_VARIABLE = "ACTION_KEEP_ALIVE_SECONDS"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_KEEP_ALIVE_SECONDS = 120
RASA_SDK_APP = "rasa_sdk"  # the name rasa_sdk.endpoint.create_app gives its Sanic app
GUARDED_PATHS = ("/webhook", "/actions")  # /health stays open for load balancers

logger = logging.getLogger(__name__)


async def _error_without_request(request: Request, exception: Exception) -> HTTPResponse:
    logger.error("action request failed: %s", type(exception).__name__, exc_info=exception)
    return response.json({"error": type(exception).__name__}, status=500)


async def _errors_without_request(app: Sanic, _: object) -> None:
    """At start: rasa_sdk's own handler, added after the actions are imported, is replaced."""
    app.error_handler.add(Exception, _error_without_request)


def token_guard(token: str) -> Callable[[Request], Coroutine[Any, Any, Optional[HTTPResponse]]]:
    """A request middleware that refuses guarded requests without ``token``."""
    async def guard(request: Request) -> Optional[HTTPResponse]:
        if request.path not in GUARDED_PATHS:
            return None
        given = request.args.get(ACTION_TOKEN_PARAMETER) or ""
        if hmac.compare_digest(given.encode(), token.encode()):
            return None
        logger.warning("action request refused: no valid token")
        return response.json({"error": "a valid token is required"}, status=401)
    return guard


def harden(app: Sanic) -> None:
    """The token guard, keep-alive and errors above, on rasa_sdk's app (once): by ``main`` and,
    for plain ``rasa run actions``, by the ``actions`` package as rasa_sdk imports it."""
    if getattr(app.ctx, "net_hardened", False):
        return
    app.ctx.net_hardened = True
    app.register_listener(_errors_without_request, "before_server_start")
    token = os.environ.get(ACTION_TOKEN_VARIABLE)
    if token:
        app.register_middleware(token_guard(token), "request")
    app.config.KEEP_ALIVE_TIMEOUT = int(
        os.environ.get(KEEP_ALIVE_VARIABLE, DEFAULT_KEEP_ALIVE_SECONDS))


def harden_rasa_sdk_app() -> None:
    """Harden the app rasa_sdk is making, if it is making one (``rasa run actions`` imports
    the actions after making its app; a test importing them makes none)."""
    try:
        app = Sanic.get_app(RASA_SDK_APP)
    except SanicException:
        return
    harden(app)


def main(argv: Optional[List[str]] = None) -> None:
    args = create_argument_parser().parse_args(argv)
    utils.configure_colored_logging(args.loglevel)
    utils.update_sanic_log_level()
    app = create_app(args.actions, cors_origins=args.cors or "")
    harden(app)
    host = os.environ.get(ACTION_HOST_VARIABLE, DEFAULT_HOST)
    logger.info("Action server on http://%s:%s", host, args.port)
    app.run(host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
