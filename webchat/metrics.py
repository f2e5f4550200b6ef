"""Prometheus metrics for the gateway, served at ``/metrics``.

Counts and timings only: no message text, no personal details. With several
workers each serves its own figures; Prometheus adds them up by instance.
"""

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram
from prometheus_client import generate_latest as _generate

MESSAGES = Counter(
    "council_messages_total", "Messages logged, by who sent them", ["author"]
)
REPLY_SECONDS = Histogram(
    "council_reply_seconds",
    "Time from a resident's message being stored to the assistant's reply",
    buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10, 30),
)
ANSWERS = Counter(
    "council_answers_total",
    "Knowledge answers by whether the assistant could answer",
    ["answerable"],
)
HANDOFFS = Counter(
    "council_handoffs_total", "Requests for a person, by outcome", ["outcome"]
)
QUEUE_LENGTH = Gauge("council_queue_length", "Chats waiting, by area", ["area"])
QUEUE_WAIT_SECONDS = Histogram(
    "council_queue_wait_seconds",
    "Time a chat waited for an agent",
    buckets=(5, 15, 30, 60, 120, 300, 600, 1200, 3600),
)
OFFERS = Counter(
    "council_offers_total",
    "Routing of waiting chats: offers made, withdrawn (by why) and escalations",
    ["outcome"],
)
RATE_LIMITED = Counter("council_rate_limited_total", "Messages refused as a flood")

CONTENT_TYPE = CONTENT_TYPE_LATEST


def generate() -> bytes:
    return _generate()
