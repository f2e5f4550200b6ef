"""The sandbox's HTTP endpoints: GOV.UK Pay's payments API and the card page.

API (bearer key): ``POST /v1/payments`` (with ``Idempotency-Key``),
``GET /v1/payments`` (search by reference), ``GET /v1/payments/{id}``,
``POST /v1/payments/{id}/cancel``, ``POST /v1/payments/{id}/refunds``,
``GET /v1/payments/{id}/refunds/{refund_id}``. Hosted pages:
``GET|POST /secure/{token}`` (the ``next_url``). Test controls:
``POST /_sandbox/faults`` makes the next API requests fail, ``POST
/_sandbox/clock`` moves time on (expiry), ``GET /_sandbox/webhooks`` lists
deliveries. ``GET /healthz`` for readiness.

Errors use GOV.UK Pay's shape ``{"code", "description"}`` and codes. The card
form's values are read, checked and dropped; none is logged or echoed back.
"""

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tools.pay_sandbox.cards import Outcome, check_form
from tools.pay_sandbox.pages import card_page, finished_page, not_found_page
from tools.pay_sandbox.store import Payment, Refund, Store
from tools.pay_sandbox.webhooks import WebhookSender

logger = logging.getLogger(__name__)

MAX_AMOUNT = 10_000_000
MAX_FORM_BYTES = 8192
FAILED_OUTCOMES = {
    Outcome.DECLINED: ("failed", "P0010"),
    Outcome.EXPIRED: ("failed", "P0010"),
    Outcome.BAD_CVC: ("failed", "P0010"),
    Outcome.ERROR: ("error", "P0050"),
}
NO_STORE = {"Cache-Control": "no-store"}


@dataclass
class Fault:
    status: int
    times: int
    after: bool


@dataclass
class Sandbox:
    """The sandbox's configuration and state."""

    api_key: str
    public_url: str
    webhooks: WebhookSender
    store: Store
    rate_limit: int = 15
    faults: list[Fault] = field(default_factory=list)

    def render(self, payment: Payment) -> dict[str, Any]:
        return payment.as_json(self.public_url, self.public_url)

    def notify(self, event_type: str, payment: Payment) -> None:
        self.webhooks.send(event_type, self.render(payment))

    def expire(self, payment: Payment) -> None:
        if self.store.expired(payment):
            logger.info("Payment %s expired", payment.payment_id)
            self.notify("card_payment_expired", payment)


def error(status: int, code: str | None, description: str) -> JSONResponse:
    body: dict[str, Any] = {"description": description}
    if code:
        body["code"] = code
    return JSONResponse(body, status_code=status)


def create_sandbox_app(sandbox: Sandbox) -> Starlette:
    """The ASGI app serving ``sandbox``."""

    def authorised(request: Request) -> bool:
        given = request.headers.get("authorization", "")
        expected = f"Bearer {sandbox.api_key}"
        return secrets.compare_digest(given.encode(), expected.encode())

    async def api(request: Request) -> Response:
        """Authenticate, apply any fault, then route to the API handler."""
        if not authorised(request):
            return error(
                401, "P0920", "Credentials are required to access this resource"
            )

        fault = sandbox.faults[0] if sandbox.faults else None
        if fault is not None:
            fault.times -= 1
            if fault.times <= 0:
                sandbox.faults.pop(0)
            if not fault.after:
                return _fault_response(fault)

        handler = request.scope["endpoint_handler"]
        response: Response = await handler(request)
        return _fault_response(fault) if fault is not None else response

    def api_route(path: str, handler: Any, methods: list[str]) -> Route:
        async def endpoint(request: Request) -> Response:
            request.scope["endpoint_handler"] = handler
            return await api(request)

        return Route(path, endpoint, methods=methods)

    async def create_payment(request: Request) -> Response:
        if sandbox.store.over_rate(sandbox.rate_limit):
            return error(429, "P0900", "Too many requests")
        try:
            body = await request.json()
        except ValueError:
            return error(400, "P0197", "Unable to parse JSON")
        problem = _invalid_create(body)
        if problem is not None:
            return problem

        key = request.headers.get("idempotency-key")
        if key is not None:
            if not 1 <= len(key) <= 255:
                return error(422, "P0102", "Invalid attribute value: Idempotency-Key")
            earlier, conflict = sandbox.store.replay(sandbox.api_key, key, body)
            if conflict:
                return error(
                    422,
                    "P0191",
                    "The Idempotency-Key has already been used for a different payment",
                )
            if earlier is not None:
                sandbox.expire(earlier)
                return JSONResponse(sandbox.render(earlier), status_code=200)

        payment = sandbox.store.create(body)
        if key is not None:
            sandbox.store.remember(sandbox.api_key, key, body, payment)
        logger.info("Payment %s created", payment.payment_id)
        return JSONResponse(sandbox.render(payment), status_code=201)

    async def search_payments(request: Request) -> Response:
        reference = request.query_params.get("reference")
        results = [
            sandbox.render(payment)
            for payment in sandbox.store.payments.values()
            if reference is None or payment.body["reference"] == reference
        ]
        return JSONResponse(
            {
                "total": len(results),
                "count": len(results),
                "page": 1,
                "results": results,
            }
        )

    async def get_payment(request: Request) -> Response:
        payment = sandbox.store.payments.get(request.path_params["payment_id"])
        if payment is None:
            return error(404, "P0200", "Not found")
        sandbox.expire(payment)
        return JSONResponse(sandbox.render(payment))

    async def cancel_payment(request: Request) -> Response:
        payment = sandbox.store.payments.get(request.path_params["payment_id"])
        if payment is None:
            return error(404, "P0500", "Not found")
        sandbox.expire(payment)
        if payment.finished:
            return error(400, "P0502", "Cancellation of payment failed")
        payment.finish("cancelled", "P0040")
        sandbox.notify("card_payment_cancelled", payment)
        return Response(status_code=204)

    async def refund_payment(request: Request) -> Response:
        payment = sandbox.store.payments.get(request.path_params["payment_id"])
        if payment is None:
            return error(404, "P0600", "Not found")
        try:
            body = await request.json()
            amount = body["amount"]
            available = body["refund_amount_available"]
        except (ValueError, KeyError, TypeError):
            return error(400, "P0601", "Missing mandatory attribute: amount")
        if not isinstance(amount, int) or not isinstance(available, int):
            return error(422, "P0602", "Invalid attribute value: amount")
        if payment.status != "success":
            return error(400, "P0603", "The payment is not available for refund")
        if available != payment.refund_available:
            return error(412, "P0604", "Refund amount available mismatch")
        if not 1 <= amount <= payment.refund_available:
            return error(400, "P0602", "Not sufficient amount available for refund")

        refund = Refund(secrets.token_hex(13), amount, "success", datetime.now(UTC))
        payment.refunds.append(refund)
        sandbox.notify("card_payment_refunded", payment)
        url = f"{sandbox.public_url}/v1/payments/{payment.payment_id}"
        return JSONResponse(refund.as_json(url), status_code=202)

    async def get_refund(request: Request) -> Response:
        payment = sandbox.store.payments.get(request.path_params["payment_id"])
        refund_id = request.path_params["refund_id"]
        found = [
            r for r in (payment.refunds if payment else []) if r.refund_id == refund_id
        ]
        if payment is None or not found:
            return error(404, "P0700", "Not found")
        url = f"{sandbox.public_url}/v1/payments/{payment.payment_id}"
        return JSONResponse(found[0].as_json(url))

    async def card_form(request: Request) -> Response:
        payment = _by_token(sandbox, request.path_params["token"])
        if payment is None:
            return HTMLResponse(not_found_page(), status_code=404, headers=NO_STORE)
        sandbox.expire(payment)
        if payment.finished:
            return HTMLResponse(finished_page(payment), headers=NO_STORE)
        if payment.status == "created":
            payment.status = "started"
            sandbox.notify("card_payment_started", payment)
        return HTMLResponse(card_page(payment, []), headers=NO_STORE)

    async def submit_card(request: Request) -> Response:
        payment = _by_token(sandbox, request.path_params["token"])
        if payment is None:
            return HTMLResponse(not_found_page(), status_code=404, headers=NO_STORE)
        sandbox.expire(payment)
        if payment.finished:
            return HTMLResponse(finished_page(payment), headers=NO_STORE)

        raw = await request.body()
        if len(raw) > MAX_FORM_BYTES:
            return HTMLResponse(card_page(payment, ["The form is too large."]), 413)
        form = dict(parse_qsl(raw.decode("utf-8", errors="replace")))
        return_url = str(payment.body["return_url"])

        if form.get("action") == "cancel":
            payment.finish("cancelled", "P0030")
            sandbox.notify("card_payment_cancelled", payment)
            return RedirectResponse(return_url, status_code=303)

        entry, problems = check_form(form, datetime.now(UTC).date())
        del form, raw
        if entry is None:
            return HTMLResponse(
                card_page(payment, problems), status_code=200, headers=NO_STORE
            )

        payment.card = entry
        payment.status = "submitted"
        if entry.outcome is Outcome.SUCCESS:
            payment.finish("success")
            sandbox.notify("card_payment_succeeded", payment)
            sandbox.notify("card_payment_captured", payment)
        else:
            status, code = FAILED_OUTCOMES[entry.outcome]
            payment.finish(status, code)
            sandbox.notify("card_payment_failed", payment)
        logger.info("Payment %s is %s", payment.payment_id, payment.status)
        return RedirectResponse(return_url, status_code=303)

    async def add_fault(request: Request) -> Response:
        if not authorised(request):
            return error(
                401, "P0920", "Credentials are required to access this resource"
            )
        body = await request.json()
        sandbox.faults.append(
            Fault(
                status=int(body.get("status", 503)),
                times=int(body.get("times", 1)),
                after=bool(body.get("after_processing", False)),
            )
        )
        return JSONResponse({"faults": len(sandbox.faults)}, status_code=201)

    async def move_clock(request: Request) -> Response:
        """Move the sandbox's time on, so expiry can be tested without waiting."""
        if not authorised(request):
            return error(
                401, "P0920", "Credentials are required to access this resource"
            )
        body = await request.json()
        sandbox.store.offset_seconds += float(body.get("advance_seconds", 0))
        for payment in list(sandbox.store.payments.values()):
            sandbox.expire(payment)
        return JSONResponse({"offset_seconds": sandbox.store.offset_seconds})

    async def list_webhooks(request: Request) -> Response:
        if not authorised(request):
            return error(
                401, "P0920", "Credentials are required to access this resource"
            )
        return JSONResponse(
            [
                {
                    "message_id": d.message_id,
                    "event_type": d.event_type,
                    "resource_id": d.resource_id,
                    "status_code": d.status_code,
                    "attempts": d.attempts,
                }
                for d in sandbox.webhooks.deliveries
            ]
        )

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "payments": len(sandbox.store.payments)})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        sandbox.webhooks.start()
        sweeper = asyncio.create_task(_sweep(sandbox))
        try:
            yield
        finally:
            sweeper.cancel()
            await sandbox.webhooks.stop()

    return Starlette(
        routes=[
            api_route("/v1/payments", create_payment, ["POST"]),
            api_route("/v1/payments", search_payments, ["GET"]),
            api_route("/v1/payments/{payment_id}", get_payment, ["GET"]),
            api_route("/v1/payments/{payment_id}/cancel", cancel_payment, ["POST"]),
            api_route("/v1/payments/{payment_id}/refunds", refund_payment, ["POST"]),
            api_route(
                "/v1/payments/{payment_id}/refunds/{refund_id}", get_refund, ["GET"]
            ),
            Route("/secure/{token}", card_form, methods=["GET"]),
            Route("/secure/{token}", submit_card, methods=["POST"]),
            Route("/_sandbox/faults", add_fault, methods=["POST"]),
            Route("/_sandbox/clock", move_clock, methods=["POST"]),
            Route("/_sandbox/webhooks", list_webhooks, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def _by_token(sandbox: Sandbox, token: str) -> Payment | None:
    payment_id = sandbox.store.by_token.get(token)
    return None if payment_id is None else sandbox.store.payments.get(payment_id)


def _fault_response(fault: Fault) -> JSONResponse:
    if fault.status == 429:
        return error(429, "P0900", "Too many requests")
    return error(fault.status, "P0999", "GOV.UK Pay is unavailable")


async def _sweep(sandbox: Sandbox) -> None:
    """Expire payments whose time is up, so their webhooks go out unasked."""
    interval = min(max(sandbox.store.expiry_seconds / 4, 0.2), 30.0)
    while True:
        await asyncio.sleep(interval)
        for payment in list(sandbox.store.payments.values()):
            sandbox.expire(payment)


def _invalid_create(body: Any) -> JSONResponse | None:
    """GOV.UK Pay's checks on a create request, with its codes."""
    if not isinstance(body, dict):
        return error(400, "P0197", "Unable to parse JSON")
    for name in ("amount", "reference", "description", "return_url"):
        if name not in body:
            return error(400, "P0101", f"Missing mandatory attribute: {name}")

    amount = body["amount"]
    if not isinstance(amount, int) or isinstance(amount, bool):
        return error(
            422, "P0102", "Invalid attribute value: amount. Must be an integer"
        )
    if not 1 <= amount <= MAX_AMOUNT:
        return error(
            422,
            "P0102",
            f"Invalid attribute value: amount. Must be between 1 and {MAX_AMOUNT}",
        )
    for name in ("reference", "description"):
        value = body[name]
        if not isinstance(value, str) or not 1 <= len(value) <= 255:
            return error(
                422,
                "P0102",
                f"Invalid attribute value: {name}. Must be 1 to 255 characters",
            )
    return_url = body["return_url"]
    parts = urlsplit(return_url) if isinstance(return_url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return error(
            422, "P0102", "Invalid attribute value: return_url. Must be a valid URL"
        )
    if body.get("language", "en") not in ("en", "cy"):
        return error(
            422, "P0102", "Invalid attribute value: language. Must be en or cy"
        )
    email = body.get("email")
    if email is not None and (not isinstance(email, str) or len(email) > 254):
        return error(422, "P0102", "Invalid attribute value: email")
    return _invalid_metadata(body.get("metadata"))


def _invalid_metadata(metadata: Any) -> JSONResponse | None:
    if metadata is None:
        return None
    if not isinstance(metadata, dict) or not 1 <= len(metadata) <= 10:
        return error(
            422, "P0102", "Invalid attribute value: metadata. Must have 1 to 10 keys"
        )
    for key, value in metadata.items():
        if not 1 <= len(key) <= 30:
            return error(
                422,
                "P0102",
                "Invalid attribute value: metadata. Keys are 1 to 30 characters",
            )
        if isinstance(value, str) and len(value) > 100:
            return error(
                422,
                "P0102",
                "Invalid attribute value: metadata. Values are at most 100 characters",
            )
        if not isinstance(value, str | int | float | bool):
            return error(
                422,
                "P0102",
                "Invalid attribute value: metadata. Values must be scalars",
            )
    return None
