"""The gateway's conversation tables, as the data-protection jobs see them.

The tables belong to the gateway (``webchat.conversation_log``); the domain
layer must not import it, so these are lightweight descriptions of the same
tables, holding only the columns the export and the retention job use. The
migration test keeps the real declarations and the schema in step.
"""

from sqlalchemy import JSON, DateTime, Integer, String, column, table

conversations = table(
    "conversations",
    column("id", String),
    column("state", String),
    column("created_at", DateTime(timezone=True)),
)

conversation_events = table(
    "conversation_events",
    column("id", Integer),
    column("conversation_id", String),
    column("seq", Integer),
    column("author", String),
    column("kind", String),
    column("body", JSON),
    column("created_at", DateTime(timezone=True)),
)
