"""Webhook signatures are checked on the raw body before anything reads it."""

import json

import pytest

from council.payments import InvalidWebhookError, WebhookSignatureError, sign
from council.payments.webhooks import parse_event, verify_signature

SECRET = "webhook-signing-secret"


def message(**changes: object) -> bytes:
    body = {
        "webhook_message_id": "msg-1",
        "api_version": 1,
        "created_date": "2026-06-01T12:00:00.000Z",
        "resource_id": "pay123",
        "resource_type": "payment",
        "event_type": "card_payment_succeeded",
        "resource": {
            "payment_id": "pay123",
            "amount": 7000,
            "reference": "CO12345678",
            "description": "Penalty charge notice CO12345678",
            "state": {"status": "success", "finished": True},
            "created_date": "2026-06-01T11:59:00.000Z",
        },
    }
    body.update(changes)
    return json.dumps(body).encode()


def test_sign_is_lowercase_hex_hmac_sha256_of_the_body() -> None:
    # Computed independently: printf '%s' 'hello' | openssl dgst -sha256 -hmac key
    assert sign(b"hello", "key") == (
        "9307b3b915efb5171ff14d8cb55fbcc798c6c0ef1456d66ded1a6aa723a58b7b"
    )


def test_verify_signature_with_the_right_secret_passes() -> None:
    body = message()

    verify_signature(body, sign(body, SECRET), [SECRET])


def test_verify_signature_with_a_previous_secret_still_passes_during_rotation() -> None:
    body = message()

    verify_signature(body, sign(body, "old-secret"), [SECRET, "old-secret"])


@pytest.mark.parametrize(
    "signature",
    [None, "", "abc", sign(message(), "wrong-secret"), sign(message(), SECRET).upper()],
)
def test_verify_signature_wrong_missing_or_uppercase_is_refused(
    signature: str | None,
) -> None:
    with pytest.raises(WebhookSignatureError):
        verify_signature(message(), signature, [SECRET])


def test_verify_signature_of_a_changed_body_is_refused() -> None:
    signature = sign(message(), SECRET)

    with pytest.raises(WebhookSignatureError):
        verify_signature(
            message(event_type="card_payment_refunded"), signature, [SECRET]
        )


def test_parse_event_reads_the_payment_and_lowercases_types() -> None:
    event = parse_event(
        message(event_type="CARD_PAYMENT_SUCCEEDED", resource_type="PAYMENT")
    )

    assert event.message_id == "msg-1"
    assert event.event_type == "card_payment_succeeded"
    assert event.payment is not None
    assert event.payment.status.value == "success"


def test_parse_event_accepts_id_as_the_message_id() -> None:
    body = json.loads(message())
    body["id"] = body.pop("webhook_message_id")

    assert parse_event(json.dumps(body).encode()).message_id == "msg-1"


@pytest.mark.parametrize(
    "body",
    [b"not json", b"{}", message(resource_id="another-payment")],
)
def test_parse_event_of_an_unreadable_body_is_invalid(body: bytes) -> None:
    with pytest.raises(InvalidWebhookError):
        parse_event(body)
