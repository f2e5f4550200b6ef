"""Shared test settings. Kept to the standard library: tests/bot runs on Rasa's
Python 3.10 environment, everything else on 3.11."""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
