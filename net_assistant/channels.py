"""Rasa's Socket.IO channel, with answer metadata sent the way the widget can read it.

Rasa 3.6's ``SocketIOOutput.send_custom_json`` passes the custom payload as keyword arguments
to ``emit()``, which fails for a payload like ``{"kind": "answer", ...}``. This channel sends it
as a ``bot_uttered`` event ``{"custom": {...}}`` instead; everything else is Rasa's own.
"""
from __future__ import annotations

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

        return super().blueprint(with_our_output)
