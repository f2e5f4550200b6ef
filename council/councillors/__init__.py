"""Councillors and their casework: who they are, and the cases they raised.

A councillor is recognised by their Entra ID object id and has a name and a
ward. Casework is an enquiry (``council.enquiries``) raised with source
``councillor`` and linked to the councillor who raised it, so they can list
their open cases and hear when one changes. See ``docs/teams.md``.
"""

from council.councillors.directory import load_councillors, sync_councillors
from council.councillors.records import ConversationReference, Councillor
from council.councillors.service import CaseworkService

__all__ = [
    "CaseworkService",
    "ConversationReference",
    "Councillor",
    "load_councillors",
    "sync_councillors",
]
