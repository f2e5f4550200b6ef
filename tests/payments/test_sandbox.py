"""The sandbox's hosted card page: the documented test cards, the checks on the
form, and card details kept out of its pages and logs."""

import re
import secrets
from pathlib import Path

import httpx
import pytest

from council.payments import NewPayment, PayClient, PaymentStatus
from tests.payments.conftest import FORM_ACTION, TODAY

CARD_FIELDS = {
    "expiry_month": "12",
    "expiry_year": str(TODAY.year + 3),
    "cardholder_name": "Morwenna Trevithick",
    "cvc": "123",
    "action": "pay",
}


async def open_page(client: PayClient, payer: httpx.AsyncClient) -> tuple[str, str]:
    """A new payment's id and the URL its card form posts to."""
    payment = await client.create_payment(
        NewPayment(
            amount_pence=4450,
            reference="BW-TEST",
            description="Bulky waste collection: sofa",
            return_url="http://127.0.0.1:1/payments/return/token",
        ),
        secrets.token_hex(16),
    )
    assert payment.next_url is not None
    page = await payer.get(payment.next_url)
    action = FORM_ACTION.search(page.text)
    assert action is not None
    assert "£44.50" in page.text
    return payment.payment_id, str(httpx.URL(payment.next_url).join(action.group(1)))


@pytest.mark.parametrize(
    ("card", "cvc", "status", "code"),
    [
        ("4444333322221111", "123", PaymentStatus.SUCCESS, None),
        ("4242424242424242", "123", PaymentStatus.SUCCESS, None),
        ("4000056655665556", "123", PaymentStatus.SUCCESS, None),
        ("5105105105105100", "123", PaymentStatus.SUCCESS, None),
        ("371449635398431", "1234", PaymentStatus.SUCCESS, None),
        ("4000000000000002", "123", PaymentStatus.FAILED, "P0010"),
        ("4000000000000069", "123", PaymentStatus.FAILED, "P0010"),
        ("4000000000000127", "123", PaymentStatus.FAILED, "P0010"),
        ("4000000000000119", "123", PaymentStatus.ERROR, "P0050"),
    ],
)
async def test_test_card_ends_the_payment_as_documented(
    client: PayClient,
    payer: httpx.AsyncClient,
    card: str,
    cvc: str,
    status: PaymentStatus,
    code: str | None,
) -> None:
    payment_id, action = await open_page(client, payer)
    started = await client.get_payment(payment_id)

    answer = await payer.post(
        action, data={**CARD_FIELDS, "card_number": card, "cvc": cvc}
    )
    after = await client.get_payment(payment_id)

    assert started.status is PaymentStatus.STARTED
    assert answer.status_code == 303
    assert answer.headers["location"] == "http://127.0.0.1:1/payments/return/token"
    assert after.status is status
    assert after.code == code


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"card_number": "4444333322221112"}, "Enter a valid card number."),
        ({"card_number": "4111111111111111"}, "use one of the documented test cards"),
        ({"expiry_year": "2020"}, "expiry date in the future"),
        ({"cvc": "12"}, "3-digit security code"),
        ({"cardholder_name": " "}, "name as it appears on the card"),
    ],
)
async def test_card_form_with_a_mistake_shows_it_and_echoes_nothing(
    client: PayClient,
    payer: httpx.AsyncClient,
    changes: dict[str, str],
    message: str,
) -> None:
    payment_id, action = await open_page(client, payer)
    form = {**CARD_FIELDS, "card_number": "4444333322221111", **changes}

    answer = await payer.post(action, data=form)
    after = await client.get_payment(payment_id)

    assert answer.status_code == 200
    assert message in answer.text
    assert form["card_number"] not in answer.text
    assert "Trevithick" not in answer.text
    assert after.status is PaymentStatus.STARTED


async def test_card_page_of_a_finished_payment_takes_no_more_cards(
    client: PayClient, payer: httpx.AsyncClient
) -> None:
    payment_id, action = await open_page(client, payer)
    await payer.post(action, data={**CARD_FIELDS, "card_number": "4000000000000002"})

    again = await payer.post(
        action, data={**CARD_FIELDS, "card_number": "4444333322221111"}
    )
    after = await client.get_payment(payment_id)

    assert "This payment has finished" in again.text
    assert after.status is PaymentStatus.FAILED


async def test_card_page_with_an_unknown_token_is_not_found(
    client: PayClient, payer: httpx.AsyncClient
) -> None:
    _payment_id, action = await open_page(client, payer)

    answer = await payer.get(action.rsplit("/", 1)[0] + "/not-a-token")

    assert answer.status_code == 404


async def test_card_details_typed_on_the_page_never_reach_the_sandbox_log(
    client: PayClient, payer: httpx.AsyncClient, sandbox_log: Path
) -> None:
    _payment_id, action = await open_page(client, payer)
    await payer.post(action, data={**CARD_FIELDS, "card_number": "4111111111111111"})
    await payer.post(
        action,
        data={**CARD_FIELDS, "card_number": "371449635398431", "cvc": "7319"},
    )

    log = sandbox_log.read_text()
    assert "Payment sandbox at" in log
    for secret in ("4111111111111111", "371449635398431", "Trevithick"):
        assert secret not in log
    # Ids and timestamps are full of digits: the code only counts on its own.
    assert re.search(r"\b7319\b", log) is None
