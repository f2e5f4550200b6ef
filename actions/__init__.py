"""The rasa-sdk action server: thin actions that call the council services.

Run with ``python -m rasa_sdk --actions actions``. The knowledge index and the
embedding model load once, when this package is imported at server start.
"""

from actions.knowledge import load_search

load_search()
