"""Rasa's socket.io channel as the comparison peer runs it (Rasa's Python 3.10).

Loaded by the peer's ``rasa run`` from its credentials file, never by the
gateway's environment. Stock Rasa 3.6 cannot send the assistant's answers over
socket.io: ``SocketIOOutput.send_custom_json`` spreads the custom payload into
``AsyncServer.emit`` as keyword arguments, so a payload with ``text`` and
``sources`` fails with ``TypeError`` and the resident gets nothing
(RasaHQ/rasa#8445, open). A team choosing this channel would have to make the
same one-method fix, so the peer makes it and nothing else.
"""

from typing import Any

from rasa.core.channels import socketio as stock


class CustomJsonSocketIOOutput(stock.SocketIOOutput):
    """The stock output, sending a custom payload as the event's data."""

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, json_message)


# The stock input builds its output from this module-level name on each
# message, so replacing the name is the whole fix; it can go when #8445 is.
stock.SocketIOOutput = CustomJsonSocketIOOutput  # type: ignore[misc]


class PeerSocketIOInput(stock.SocketIOInput):
    """Rasa's socket.io input, unchanged, under its usual name and path."""

    @classmethod
    def name(cls) -> str:
        return "socketio"
