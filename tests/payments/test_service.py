"""The payment service end to end: the sandbox process, its hosted card page,
the payment routes on a real socket, and the database (SQLite and PostgreSQL)."""

import asyncio
import json
import logging
import uuid

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from council.payments import (
    NothingToPayError,
    PaymentProviderUnavailableError,
    PaymentService,
    PaymentStatus,
    WebhookOutcome,
    WebhookSignatureError,
    sign,
)
from council.payments.models import payments
from tests.payments.conftest import (
    DECLINED_CARD,
    PCN,
    SUCCESS_CARD,
    Finished,
    Gateway,
    WebhookPort,
    add_fault,
    charges,
    make_client,
    move_sandbox_clock,
    pay_with_card,
    payments_at_sandbox,
)
from tools.pay_sandbox.process import SandboxProcess

COUNCIL_TAX = {"kind": "council_tax", "council_tax_reference": "12345678"}


def conversation() -> str:
    return f"conversation-{uuid.uuid4().hex[:8]}"


async def test_payment_with_a_success_card_is_confirmed_by_return_and_webhook(
    service: PaymentService,
    gateway: Gateway,
    payer: httpx.AsyncClient,
    finished: Finished,
) -> None:
    link = await service.start_payment(PCN, conversation())
    assert link.next_url is not None

    answer = await pay_with_card(payer, link.next_url, SUCCESS_CARD)
    assert answer.status_code == 303
    returned = await payer.get(answer.headers["location"])
    provider_id = link.attempt.provider_payment_id
    assert provider_id is not None
    webhooks = await gateway.wait_for_webhooks(
        provider_id, {"card_payment_succeeded", "card_payment_captured"}
    )
    attempt = await service.get(link.attempt.id)

    assert answer.headers["location"].startswith(gateway.url + "/payments/return/")
    assert returned.status_code == 200
    assert "Payment received" in returned.text
    assert "£70.00" in returned.text
    assert attempt is not None and attempt.status is PaymentStatus.SUCCESS
    assert {outcome for _, outcome in webhooks} <= {"applied", "unchanged"}
    assert [a.id for a in finished.attempts] == [attempt.id]
    statuses = [status for status, _ in await service.history(attempt.id)]
    assert statuses.count(PaymentStatus.SUCCESS) == 1


async def test_payment_with_a_declined_card_ends_failed_with_p0010(
    service: PaymentService, gateway: Gateway, payer: httpx.AsyncClient
) -> None:
    link = await service.start_payment(COUNCIL_TAX, conversation())
    assert link.next_url is not None

    answer = await pay_with_card(payer, link.next_url, DECLINED_CARD)
    returned = await payer.get(answer.headers["location"])
    attempt = await service.get(link.attempt.id)

    assert attempt is not None
    assert attempt.status is PaymentStatus.FAILED
    assert attempt.failure_code == "P0010"
    assert "declined" in returned.text
    assert "no money has been taken" in attempt.outcome_message()


async def test_start_payment_after_a_declined_card_makes_a_new_attempt(
    service: PaymentService, gateway: Gateway, payer: httpx.AsyncClient
) -> None:
    chat = conversation()
    first = await service.start_payment(COUNCIL_TAX, chat)
    assert first.next_url is not None
    answer = await pay_with_card(payer, first.next_url, DECLINED_CARD)
    await payer.get(answer.headers["location"])

    second = await service.start_payment(COUNCIL_TAX, chat)

    assert second.attempt.attempt == 2
    assert second.attempt.provider_payment_id != first.attempt.provider_payment_id
    assert second.attempt.status is PaymentStatus.CREATED


async def test_start_payment_after_the_payer_let_it_expire_makes_a_new_attempt(
    service: PaymentService, sandbox: SandboxProcess
) -> None:
    chat = conversation()
    first = await service.start_payment(PCN, chat)
    await move_sandbox_clock(sandbox, 91 * 60)

    second = await service.start_payment(PCN, chat)
    expired = await service.get(first.attempt.id)

    assert expired is not None
    assert expired.status is PaymentStatus.FAILED
    assert expired.failure_code == "P0020"
    assert second.attempt.attempt == 2
    assert second.next_url != first.next_url


async def test_start_payment_whose_provider_lost_the_payment_makes_a_new_attempt(
    service: PaymentService, engine: AsyncEngine
) -> None:
    """A restarted sandbox forgets its payments; the chat must not be stuck."""
    chat = conversation()
    first = await service.start_payment(PCN, chat)
    async with engine.begin() as connection:
        await connection.execute(
            update(payments)
            .where(payments.c.id == first.attempt.id)
            .values(provider_payment_id="forgotten-by-the-provider")
        )

    second = await service.start_payment(PCN, chat)
    closed = await service.get(first.attempt.id)

    assert closed is not None and closed.status is PaymentStatus.ERROR
    assert second.attempt.attempt == 2
    assert second.next_url is not None


async def test_start_payment_tapped_twice_at_once_makes_one_provider_payment(
    engine: AsyncEngine,
    sandbox: SandboxProcess,
    webhook_port: WebhookPort,
) -> None:
    """Two gateway workers handle the same double tap at the same moment."""
    clients = [make_client(sandbox), make_client(sandbox)]
    workers = [
        PaymentService(
            engine=engine,
            client=client,
            charges=charges(),
            return_base_url=webhook_port.url,
            webhook_secrets=[webhook_port.secret],
        )
        for client in clients
    ]
    chat = conversation()
    before = await payments_at_sandbox(sandbox)

    try:
        links = await asyncio.gather(
            *(worker.start_payment(PCN, chat) for worker in workers * 2)
        )
    finally:
        for client in clients:
            await client.aclose()

    assert len({link.attempt.id for link in links}) == 1
    assert len({link.attempt.provider_payment_id for link in links}) == 1
    assert len({link.next_url for link in links}) == 1
    assert await payments_at_sandbox(sandbox) == before + 1


async def test_start_payment_tapped_again_later_returns_the_same_link(
    service: PaymentService, sandbox: SandboxProcess
) -> None:
    chat = conversation()
    before = await payments_at_sandbox(sandbox)

    first = await service.start_payment(PCN, chat)
    second = await service.start_payment(PCN, chat)

    assert second.attempt.id == first.attempt.id
    assert second.next_url == first.next_url
    assert await payments_at_sandbox(sandbox) == before + 1


async def test_start_payment_retried_after_the_provider_failed_makes_one_payment(
    service: PaymentService, sandbox: SandboxProcess
) -> None:
    """The first call's create reached the provider but every answer was lost;
    the retried call sends the same Idempotency-Key and gets that payment."""
    chat = conversation()
    before = await payments_at_sandbox(sandbox)
    await add_fault(sandbox, 502, times=4, after_processing=True)

    with pytest.raises(PaymentProviderUnavailableError):
        await service.start_payment(PCN, chat)
    retried = await service.start_payment(PCN, chat)

    assert retried.attempt.attempt == 1
    assert retried.next_url is not None
    assert await payments_at_sandbox(sandbox) == before + 1


async def test_start_payment_never_charges_the_amount_the_resident_typed(
    service: PaymentService,
) -> None:
    typed = {**PCN, "amount_mentioned_pence": 100, "amount": "1.00"}

    link = await service.start_payment(typed, conversation())
    at_provider = await service.client.get_payment(
        str(link.attempt.provider_payment_id)
    )

    assert link.attempt.amount_pence == 7000
    assert at_provider.amount_pence == 7000
    assert link.amount_mentioned_pence == 100
    assert link.amount_mentioned_differs


async def test_start_payment_once_paid_has_nothing_to_pay_in_any_conversation(
    service: PaymentService, gateway: Gateway, payer: httpx.AsyncClient
) -> None:
    link = await service.start_payment(COUNCIL_TAX, conversation())
    assert link.next_url is not None
    answer = await pay_with_card(payer, link.next_url, SUCCESS_CARD)
    await payer.get(answer.headers["location"])

    with pytest.raises(NothingToPayError):
        await service.start_payment(COUNCIL_TAX, link.attempt.conversation_id)
    with pytest.raises(NothingToPayError):
        await service.start_payment(COUNCIL_TAX, conversation())


async def test_payer_cancelling_on_the_page_ends_cancelled_with_p0030(
    service: PaymentService, gateway: Gateway, payer: httpx.AsyncClient
) -> None:
    link = await service.start_payment(PCN, conversation())
    assert link.next_url is not None
    await payer.get(link.next_url)

    answer = await payer.post(link.next_url, data={"action": "cancel"})
    returned = await payer.get(answer.headers["location"])
    attempt = await service.get(link.attempt.id)

    assert attempt is not None and attempt.status is PaymentStatus.CANCELLED
    assert attempt.failure_code == "P0030"
    assert "You cancelled the payment" in returned.text


async def test_cancel_by_the_council_ends_the_attempt_with_p0040(
    service: PaymentService,
) -> None:
    link = await service.start_payment(PCN, conversation())

    attempt = await service.cancel(link.attempt.id)

    assert attempt.status is PaymentStatus.CANCELLED
    assert attempt.failure_code == "P0040"


async def test_replayed_webhook_is_ignored(
    service: PaymentService, gateway: Gateway, payer: httpx.AsyncClient
) -> None:
    link = await service.start_payment(PCN, conversation())
    assert link.next_url is not None
    await pay_with_card(payer, link.next_url, SUCCESS_CARD)
    provider_id = str(link.attempt.provider_payment_id)
    await gateway.wait_for_webhooks(provider_id, {"card_payment_succeeded"})
    body, signature = next(
        (body, signature)
        for body, signature in gateway.deliveries
        if json.loads(body)["event_type"] == "card_payment_succeeded"
        and json.loads(body)["resource_id"] == provider_id
    )
    history_before = await service.history(link.attempt.id)

    async with httpx.AsyncClient() as provider:
        replayed = await provider.post(
            gateway.url + "/payments/webhook",
            content=body,
            headers={"Pay-Signature": str(signature)},
        )

    assert replayed.status_code == 200
    assert replayed.json() == {"outcome": WebhookOutcome.REPLAYED.value}
    assert await service.history(link.attempt.id) == history_before


@pytest.mark.parametrize("forgery", ["wrong_signature", "changed_body", "not_json"])
async def test_forged_webhook_is_refused_before_parsing(
    service: PaymentService, gateway: Gateway, webhook_port: WebhookPort, forgery: str
) -> None:
    link = await service.start_payment(PCN, conversation())
    genuine = webhook_body(str(link.attempt.provider_payment_id), "success")
    if forgery == "wrong_signature":
        body, signature = genuine, sign(genuine, "not-the-secret")
    elif forgery == "changed_body":
        body = genuine.replace(b'"amount":7000', b'"amount":1')
        signature = sign(genuine, webhook_port.secret)
    else:
        body, signature = b"{not json", sign(b"{other", webhook_port.secret)

    async with httpx.AsyncClient() as forger:
        answer = await forger.post(
            gateway.url + "/payments/webhook",
            content=body,
            headers={"Pay-Signature": signature},
        )
    attempt = await service.get(link.attempt.id)

    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "webhook_signature_invalid"
    assert attempt is not None and attempt.status is PaymentStatus.CREATED


async def test_webhook_with_a_good_signature_but_bad_body_is_a_bad_request(
    gateway: Gateway, webhook_port: WebhookPort
) -> None:
    body = b"{not json"

    async with httpx.AsyncClient() as provider:
        answer = await provider.post(
            gateway.url + "/payments/webhook",
            content=body,
            headers={"Pay-Signature": sign(body, webhook_port.secret)},
        )

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "webhook_invalid"


async def test_webhooks_out_of_order_never_move_a_finished_payment_back(
    service: PaymentService, webhook_port: WebhookPort, finished: Finished
) -> None:
    link = await service.start_payment(PCN, conversation())
    provider_id = str(link.attempt.provider_payment_id)
    success = webhook_body(provider_id, "success")
    started = webhook_body(provider_id, "started")
    failed = webhook_body(provider_id, "failed", code="P0010")

    results = [
        await service.handle_webhook(body, sign(body, webhook_port.secret))
        for body in (success, started, failed)
    ]
    confirmed = await service.confirm_return(link.attempt.return_token)

    assert [r.outcome for r in results] == [
        WebhookOutcome.APPLIED,
        WebhookOutcome.UNCHANGED,
        WebhookOutcome.UNCHANGED,
    ]
    assert confirmed.status is PaymentStatus.SUCCESS
    assert len(finished.attempts) == 1


async def test_same_webhook_delivered_twice_at_once_is_applied_once(
    service: PaymentService, webhook_port: WebhookPort, finished: Finished
) -> None:
    link = await service.start_payment(PCN, conversation())
    body = webhook_body(str(link.attempt.provider_payment_id), "success")
    signature = sign(body, webhook_port.secret)

    results = await asyncio.gather(
        service.handle_webhook(body, signature), service.handle_webhook(body, signature)
    )

    assert sorted(result.outcome.value for result in results) == [
        WebhookOutcome.APPLIED.value,
        WebhookOutcome.REPLAYED.value,
    ]
    assert [attempt.id for attempt in finished.attempts] == [link.attempt.id]


async def test_webhook_for_a_payment_that_is_not_ours_is_acknowledged_and_ignored(
    service: PaymentService, webhook_port: WebhookPort
) -> None:
    body = webhook_body("someone-elses-payment", "success")

    result = await service.handle_webhook(body, sign(body, webhook_port.secret))

    assert result.outcome is WebhookOutcome.UNKNOWN_PAYMENT


async def test_handle_webhook_signature_is_checked_before_the_body_is_read(
    service: PaymentService,
) -> None:
    with pytest.raises(WebhookSignatureError):
        await service.handle_webhook(b"\xff\xfe not even text", "0" * 64)


async def test_refund_of_a_successful_payment_is_recorded(
    service: PaymentService, gateway: Gateway, payer: httpx.AsyncClient
) -> None:
    link = await service.start_payment(PCN, conversation())
    assert link.next_url is not None
    answer = await pay_with_card(payer, link.next_url, SUCCESS_CARD)
    await payer.get(answer.headers["location"])

    refund = await service.refund(link.attempt.id, 2000, by="agent:alice")
    at_provider = await service.client.get_payment(
        str(link.attempt.provider_payment_id)
    )

    assert refund.amount_pence == 2000
    assert at_provider.refund_amount_available == 5000


async def test_card_numbers_never_reach_the_services_logs(
    service: PaymentService,
    gateway: Gateway,
    payer: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    link = await service.start_payment(PCN, conversation())
    assert link.next_url is not None

    answer = await pay_with_card(payer, link.next_url, SUCCESS_CARD, cvc="987")
    await payer.get(answer.headers["location"])

    assert SUCCESS_CARD not in caplog.text
    assert "Trevithick" not in caplog.text
    assert f"attempt {link.attempt.id}" in caplog.text


def webhook_body(payment_id: str, status: str, code: str | None = None) -> bytes:
    """A notification as GOV.UK Pay would send it, for the tests to sign."""
    state: dict[str, object] = {"status": status, "finished": status in FINISHED}
    if code:
        state["code"] = code
        state["message"] = "Payment method rejected"
    message = {
        "webhook_message_id": uuid.uuid4().hex,
        "api_version": 1,
        "created_date": "2026-06-01T12:00:00.000Z",
        "resource_id": payment_id,
        "resource_type": "payment",
        "event_type": f"card_payment_{status}",
        "resource": {
            "payment_id": payment_id,
            "amount": 7000,
            "reference": "CO12345678",
            "description": "Penalty charge notice CO12345678",
            "state": state,
            "created_date": "2026-06-01T11:59:00.000Z",
        },
    }
    return json.dumps(message, separators=(",", ":")).encode()


FINISHED = {"success", "failed", "cancelled", "error"}
