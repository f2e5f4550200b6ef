"""The GOV.UK Pay client against the sandbox process over a real socket."""

import secrets

import httpx
import pytest

from council.payments import (
    CancelRefusedError,
    IdempotencyKeyConflictError,
    NewPayment,
    PayClient,
    PaymentNotFoundAtProviderError,
    PaymentProviderAuthError,
    PaymentProviderError,
    PaymentProviderUnavailableError,
    PaymentRateLimitedError,
    PaymentStatus,
    RefundRefusedError,
)
from tests.payments.conftest import (
    SUCCESS_CARD,
    add_fault,
    move_sandbox_clock,
    pay_with_card,
    payments_at_sandbox,
)
from tools.pay_sandbox.process import SandboxProcess
from tools.stack import free_port


def new_payment(amount: int = 7000, **changes: object) -> NewPayment:
    values: dict[str, object] = {
        "amount_pence": amount,
        "reference": "CO12345678",
        "description": "Penalty charge notice CO12345678",
        "return_url": "http://127.0.0.1:1/payments/return/token",
        "metadata": {"pcn_number": "CO12345678"},
    }
    values.update(changes)
    return NewPayment(**values)  # type: ignore[arg-type]


def key() -> str:
    return secrets.token_hex(16)


async def test_create_returns_a_created_payment_with_a_next_url(
    client: PayClient,
) -> None:
    payment = await client.create_payment(new_payment(), key())

    assert payment.status is PaymentStatus.CREATED
    assert payment.amount_pence == 7000
    assert payment.next_url is not None and "/secure/" in payment.next_url
    assert payment.metadata == {"pcn_number": "CO12345678"}


async def test_create_again_with_the_same_key_and_body_returns_the_same_payment(
    client: PayClient, sandbox: SandboxProcess
) -> None:
    attempt_key = key()
    before = await payments_at_sandbox(sandbox)

    first = await client.create_payment(new_payment(), attempt_key)
    second = await client.create_payment(new_payment(), attempt_key)

    assert first.payment_id == second.payment_id
    assert await payments_at_sandbox(sandbox) == before + 1


async def test_create_with_a_key_used_for_another_body_is_refused_with_p0191(
    client: PayClient,
) -> None:
    attempt_key = key()
    await client.create_payment(new_payment(7000), attempt_key)

    with pytest.raises(IdempotencyKeyConflictError) as caught:
        await client.create_payment(new_payment(3500), attempt_key)

    assert caught.value.provider_code == "P0191"


async def test_create_retries_server_errors_then_succeeds(
    client: PayClient, sandbox: SandboxProcess
) -> None:
    await add_fault(sandbox, 503, times=2)

    payment = await client.create_payment(new_payment(), key())

    assert payment.status is PaymentStatus.CREATED


async def test_create_whose_answer_was_lost_retries_into_the_same_payment(
    client: PayClient, sandbox: SandboxProcess
) -> None:
    before = await payments_at_sandbox(sandbox)
    await add_fault(sandbox, 502, times=1, after_processing=True)

    payment = await client.create_payment(new_payment(), key())

    assert payment.status is PaymentStatus.CREATED
    assert await payments_at_sandbox(sandbox) == before + 1


async def test_create_still_rate_limited_after_retries_raises_p0900(
    client: PayClient, sandbox: SandboxProcess
) -> None:
    await add_fault(sandbox, 429, times=4)

    with pytest.raises(PaymentRateLimitedError) as caught:
        await client.create_payment(new_payment(), key())

    assert caught.value.provider_code == "P0900"
    assert "try again in a minute" in caught.value.public_message


async def test_create_when_the_provider_stays_down_raises_unavailable(
    client: PayClient, sandbox: SandboxProcess
) -> None:
    await add_fault(sandbox, 500, times=4)

    with pytest.raises(PaymentProviderUnavailableError) as caught:
        await client.create_payment(new_payment(), key())

    assert caught.value.provider_status == 500
    assert caught.value.provider_code == "P0999"


async def test_create_with_nobody_listening_raises_unavailable() -> None:
    client = PayClient(
        f"http://127.0.0.1:{free_port()}", "key", first_wait_seconds=0.01, attempts=2
    )
    try:
        with pytest.raises(PaymentProviderUnavailableError) as caught:
            await client.create_payment(new_payment(), key())
    finally:
        await client.aclose()

    assert caught.value.provider_status is None


async def test_create_invalid_amount_is_refused_with_the_providers_code(
    client: PayClient,
) -> None:
    with pytest.raises(PaymentProviderError) as caught:
        await client.create_payment(new_payment(10_000_001), key())

    assert caught.value.provider_code == "P0102"
    assert caught.value.provider_status == 422


async def test_wrong_api_key_is_an_auth_error(sandbox: SandboxProcess) -> None:
    client = PayClient(sandbox.url, "api_test_wrong")
    try:
        with pytest.raises(PaymentProviderAuthError):
            await client.get_payment("anything")
    finally:
        await client.aclose()


async def test_get_unknown_payment_is_not_found(client: PayClient) -> None:
    with pytest.raises(PaymentNotFoundAtProviderError) as caught:
        await client.get_payment("no-such-payment")

    assert caught.value.provider_code == "P0200"


async def test_cancel_unfinished_payment_makes_it_cancelled_by_the_service(
    client: PayClient,
) -> None:
    payment = await client.create_payment(new_payment(), key())

    await client.cancel_payment(payment.payment_id)
    cancelled = await client.get_payment(payment.payment_id)

    assert cancelled.status is PaymentStatus.CANCELLED
    assert cancelled.code == "P0040"
    assert cancelled.next_url is None
    with pytest.raises(CancelRefusedError):
        await client.cancel_payment(payment.payment_id)


async def test_refund_with_the_amount_available_succeeds_and_a_stale_one_is_refused(
    client: PayClient, payer: httpx.AsyncClient
) -> None:
    payment = await client.create_payment(new_payment(), key())
    assert payment.next_url is not None
    await pay_with_card(payer, payment.next_url, SUCCESS_CARD)
    paid = await client.get_payment(payment.payment_id)
    assert paid.refund_amount_available == 7000

    refund = await client.refund_payment(payment.payment_id, 2000, 7000)
    with pytest.raises(RefundRefusedError) as caught:
        await client.refund_payment(payment.payment_id, 2000, 7000)
    after = await client.get_payment(payment.payment_id)

    assert refund.amount_pence == 2000
    assert caught.value.provider_status == 412
    assert caught.value.provider_code == "P0604"
    assert after.refund_amount_available == 5000


async def test_payment_left_unfinished_for_90_minutes_expires_with_p0020(
    client: PayClient, sandbox: SandboxProcess
) -> None:
    payment = await client.create_payment(new_payment(), key())

    await move_sandbox_clock(sandbox, 89 * 60)
    still_open = await client.get_payment(payment.payment_id)
    await move_sandbox_clock(sandbox, 2 * 60)
    expired = await client.get_payment(payment.payment_id)

    assert still_open.status is PaymentStatus.CREATED
    assert expired.status is PaymentStatus.FAILED
    assert expired.code == "P0020"
