"""Rasa's Socket.IO channel, with two fixes the widget depends on.

- Rasa 3.6's ``SocketIOOutput.send_custom_json`` passes the custom payload as keyword arguments
  to ``emit()``, which fails for a payload like ``{"kind": "answer", ...}``. This channel sends it
  as a ``bot_uttered`` event ``{"custom": {...}}`` instead.
- Rasa 3.6 calls ``AsyncServer.enter_room`` without ``await``; in python-socketio 5.x it is a
  coroutine, so with session persistence a socket never joined its session's room and got no
  answers. This channel's ``session_request`` handler awaits it.
Everything else (name, path, events) is Rasa's own.
"""
from __future__ import annotations

import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels import socketio
from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint


class SocketIOOutput(socketio.SocketIOOutput):
    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class SocketIOInput(socketio.SocketIOInput):
    """Same name, path and events as Rasa's ``socketio`` channel."""

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return super().get_output_channel()
        return SocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        async def with_our_output(message: UserMessage) -> Any:
            if isinstance(message.output_channel, socketio.SocketIOOutput):
                message.output_channel = SocketIOOutput(
                    message.output_channel.sio, message.output_channel.bot_message_evt
                )
            return await on_new_message(message)

        blueprint = super().blueprint(with_our_output)
        sio = self.sio

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            data = data or {}
            if not data.get("session_id"):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, data["session_id"])
            await sio.emit("session_confirm", data["session_id"], room=sid)

        return blueprint
