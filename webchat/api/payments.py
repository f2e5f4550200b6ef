"""Payment routes: the page payers return to, and the provider's webhook.

Both only translate to :class:`council.payments.PaymentService`. The service is
built once per application from the settings, on the gateway's engine and HTTP
client; an application (or a test) may set ``app.state.payments`` itself.
When a payment finishes, the resident's conversation is told the outcome.
"""

import logging
from collections.abc import Awaitable, Callable
from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from council.payments import (
    SIGNATURE_HEADER,
    PaymentAttempt,
    PaymentService,
    PaymentStatus,
    build_payment_service,
)
from webchat.conversations import ConversationService

logger = logging.getLogger(__name__)

router = APIRouter(tags=["payments"])


def payment_service(request: Request) -> PaymentService:
    """The application's payment service, built on first use."""
    service: PaymentService | None = getattr(request.app.state, "payments", None)
    if service is None:
        services = request.app.state.services
        service = build_payment_service(
            services.settings, services.engine, services.http
        )
        service.on_finished = tell_the_conversation(services.conversations)
        request.app.state.payments = service
    return service


def tell_the_conversation(
    conversations: ConversationService,
) -> Callable[[PaymentAttempt], Awaitable[None]]:
    """The hook that posts a finished payment's outcome into its conversation."""

    async def tell(attempt: PaymentAttempt) -> None:
        await conversations.record(
            "system",
            {
                "text": attempt.outcome_message(),
                "payment": {
                    "status": attempt.status.value,
                    "reference": attempt.reference,
                    "amount_pence": attempt.amount_pence,
                    "code": attempt.failure_code,
                },
            },
            attempt.conversation_id,
            kind="state",
        )

    return tell


PaymentServiceDep = Annotated[PaymentService, Depends(payment_service)]


@router.get("/payments/return/{return_token}", response_class=HTMLResponse)
async def payment_return(return_token: str, service: PaymentServiceDep) -> HTMLResponse:
    """Where the provider sends the payer back; confirms the outcome with it."""
    attempt = await service.confirm_return(return_token)

    title = (
        "Payment received"
        if attempt.status is PaymentStatus.SUCCESS
        else "Payment not taken"
        if attempt.finished
        else "Payment not finished"
    )
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title></head><body>"
        f"<h1 data-status='{escape(attempt.status.value)}'>{escape(title)}</h1>"
        f"<p>{escape(attempt.outcome_message())}</p>"
        "<p>You can close this tab and carry on in the chat.</p></body></html>"
    )
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})


@router.post("/payments/webhook")
async def payment_webhook(
    request: Request, service: PaymentServiceDep
) -> dict[str, str]:
    """The provider's notifications; the signature is checked on the raw body."""
    body = await request.body()
    result = await service.handle_webhook(body, request.headers.get(SIGNATURE_HEADER))
    return {"outcome": result.outcome.value}
