"""A payment moves only forward, and a finished one never moves."""

import pytest

from council.payments import PaymentStatus
from council.payments.status import FINISHED, may_move

S = PaymentStatus


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (S.CREATED, S.STARTED),
        (S.CREATED, S.SUCCESS),
        (S.STARTED, S.SUBMITTED),
        (S.SUBMITTED, S.FAILED),
        (S.CAPTURABLE, S.SUCCESS),
    ],
)
def test_may_move_forward_is_allowed(current: S, new: S) -> None:
    assert may_move(current, new)


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (S.STARTED, S.CREATED),
        (S.SUBMITTED, S.STARTED),
        (S.STARTED, S.STARTED),
        *[(finished, other) for finished in FINISHED for other in S],
    ],
)
def test_may_move_backwards_or_from_finished_is_refused(current: S, new: S) -> None:
    assert not may_move(current, new)
