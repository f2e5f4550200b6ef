"""The load smoke runs against the same real stack as the end-to-end tests."""

from tests.e2e.conftest import stack  # noqa: F401  (the session's real stack)
