"""Request signatures between the webchat gateway and the Rasa input channel.

The gateway signs every request it sends to Rasa; the channel refuses any request
whose signature is missing, wrong or stale. The scheme is HMAC-SHA256 over
``"<unix time>." + raw body`` with a shared secret, sent as
``X-Council-Signature: t=<unix time>,v1=<lowercase hex>``.

This module uses the standard library only, so both Python environments import it.
"""

import hashlib
import hmac
import time

HEADER = "X-Council-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def sign(secret: bytes, body: bytes, timestamp: int | None = None) -> str:
    """Return the header value that authenticates ``body`` at ``timestamp``."""
    if timestamp is None:
        timestamp = int(time.time())

    digest = _digest(secret, body, timestamp)
    return f"t={timestamp},v1={digest}"


def verify(
    secret: bytes,
    body: bytes,
    header: str | None,
    now: float | None = None,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """Tell whether ``header`` signs ``body`` with ``secret`` within ``tolerance``.

    A stale timestamp fails even with a correct digest, so a captured request
    cannot be replayed later.
    """
    if not header or not secret:
        return False

    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
        given = fields["v1"]
    except (KeyError, ValueError):
        return False

    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        return False

    expected = _digest(secret, body, timestamp)
    return hmac.compare_digest(expected, given)


def _digest(secret: bytes, body: bytes, timestamp: int) -> str:
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
