"""A client for the GOV.UK Pay API (or the local sandbox that speaks it).

Create, get, cancel and refund over httpx. Transient failures (timeouts,
refused connections, 5xx, 429) are retried with exponential backoff and jitter
by ``tenacity``; a create is safe to retry because every attempt carries its
``Idempotency-Key``, and a refund because ``refund_amount_available`` makes the
provider refuse a second one (412). Everything else the provider refuses
becomes a :class:`~council.payments.errors.PaymentProviderError` subclass that
keeps its code. The API key is sent, never logged.
"""

import logging
from typing import Any, NoReturn

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from council.payments.errors import (
    CancelRefusedError,
    IdempotencyKeyConflictError,
    PaymentNotFoundAtProviderError,
    PaymentProviderAuthError,
    PaymentProviderError,
    PaymentProviderUnavailableError,
    PaymentRateLimitedError,
    RefundRefusedError,
)
from council.payments.provider import (
    NewPayment,
    ProviderPayment,
    ProviderRefund,
    read_payment,
    read_refund,
)

logger = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "Idempotency-Key"
RATE_LIMITED = "P0900"
IDEMPOTENCY_REUSED = "P0191"
NOT_FOUND_CODES = frozenset({"P0200", "P0500", "P0600", "P0700"})
CANCEL_REFUSED_CODES = frozenset({"P0501", "P0502"})
REFUND_REFUSED_CODES = frozenset({"P0601", "P0602", "P0603", "P0604"})


class _Transient(Exception):
    """A failure worth retrying; carries the response if one came."""

    def __init__(self, detail: str, response: httpx.Response | None = None):
        super().__init__(detail)
        self.response = response


class PayClient:
    """GOV.UK Pay's payments API at ``base_url`` with ``api_key``.

    ``http`` may be shared with the rest of the process; the client then
    leaves closing it to its owner. ``attempts`` counts the first try;
    ``max_wait_seconds`` caps each backoff.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        http: httpx.AsyncClient | None = None,
        timeout_seconds: float = 10.0,
        attempts: int = 4,
        first_wait_seconds: float = 0.2,
        max_wait_seconds: float = 2.0,
    ):
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._own_http = http is None
        self._http = http or httpx.AsyncClient()
        self._timeout = timeout_seconds
        self._attempts = attempts
        self._first_wait = first_wait_seconds
        self._max_wait = max_wait_seconds

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()

    async def create_payment(
        self, payment: NewPayment, idempotency_key: str
    ) -> ProviderPayment:
        """Create a payment; the same key and body return the same payment.

        Raises :class:`IdempotencyKeyConflictError` if the key was used for a
        different body, :class:`PaymentRateLimitedError` if still rate limited
        after the retries, :class:`PaymentProviderUnavailableError` if the
        provider never answered usefully, :class:`PaymentProviderError` for a
        refused request (its ``provider_code`` says why).
        """
        response = await self._send(
            "POST",
            "/v1/payments",
            json=payment.as_json(),
            headers={IDEMPOTENCY_HEADER: idempotency_key},
        )
        created = read_payment(response.json())
        logger.info(
            "Provider payment %s %s (status %s)",
            created.payment_id,
            "created" if response.status_code == 201 else "returned again",
            created.status.value,
        )
        return created

    async def get_payment(self, payment_id: str) -> ProviderPayment:
        """The payment as it is now (strongly consistent: use it on return)."""
        response = await self._send("GET", f"/v1/payments/{payment_id}")
        return read_payment(response.json())

    async def cancel_payment(self, payment_id: str) -> None:
        """Cancel an unfinished payment; :class:`CancelRefusedError` if finished."""
        await self._send("POST", f"/v1/payments/{payment_id}/cancel")
        logger.info("Provider payment %s cancelled", payment_id)

    async def refund_payment(
        self, payment_id: str, amount_pence: int, refund_amount_available: int
    ) -> ProviderRefund:
        """Refund ``amount_pence``; ``refund_amount_available`` must be what the
        provider holds now, so a refund made meanwhile refuses this one."""
        response = await self._send(
            "POST",
            f"/v1/payments/{payment_id}/refunds",
            json={
                "amount": amount_pence,
                "refund_amount_available": refund_amount_available,
            },
        )
        refund = read_refund(response.json())
        logger.info(
            "Refund %s of payment %s: %s", refund.refund_id, payment_id, refund.status
        )
        return refund

    async def _send(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """One request with retries; returns a 2xx response or raises mapped."""
        request_headers = {
            "Authorization": f"Bearer {self._api_key}",
            "Accept": "application/json",
            **(headers or {}),
        }
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_Transient),
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential_jitter(
                initial=self._first_wait, max=self._max_wait, jitter=self._first_wait
            ),
            before_sleep=_log_retry,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._send_once(
                        method, path, json=json, headers=request_headers
                    )
        except _Transient as failure:
            _raise_unavailable(method, path, failure)
        raise AssertionError("tenacity returns or raises")  # pragma: no cover

    async def _send_once(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None,
        headers: dict[str, str],
    ) -> httpx.Response:
        logger.debug("Provider request %s %s", method, path)
        try:
            response = await self._http.request(
                method,
                self._base_url + path,
                json=json,
                headers=headers,
                timeout=self._timeout,
            )
        except httpx.TransportError as error:
            raise _Transient(f"{type(error).__name__} on {method} {path}") from None

        if response.status_code == 429 or response.status_code >= 500:
            raise _Transient(f"status {response.status_code}", response)
        if response.status_code >= 400:
            _raise_refused(method, path, response)
        return response


def _log_retry(state: Any) -> None:
    failure = state.outcome.exception() if state.outcome else None
    logger.warning(
        "Payment provider failed (%s); retry %d after %.2f s",
        failure,
        state.attempt_number,
        state.next_action.sleep if state.next_action else 0.0,
    )


def _error_fields(response: httpx.Response | None) -> tuple[str | None, str]:
    """The provider's ``code`` and ``description``, if the body has them."""
    if response is None:
        return None, ""
    try:
        data = response.json()
    except ValueError:
        return None, ""
    if not isinstance(data, dict):
        return None, ""
    code = data.get("code")
    return (str(code) if code else None), str(data.get("description") or "")


def _raise_unavailable(method: str, path: str, failure: _Transient) -> NoReturn:
    response = failure.response
    code, description = _error_fields(response)
    status = response.status_code if response is not None else None
    detail = f"{method} {path} failed after retries: {failure} {description}".strip()
    if status == 429 or code == RATE_LIMITED:
        raise PaymentRateLimitedError(
            detail, provider_code=code or RATE_LIMITED, provider_status=status
        )
    raise PaymentProviderUnavailableError(
        detail, provider_code=code, provider_status=status
    )


def _raise_refused(method: str, path: str, response: httpx.Response) -> NoReturn:
    code, description = _error_fields(response)
    status = response.status_code
    detail = f"{method} {path} refused: {description}"

    if status in (401, 403):
        raise PaymentProviderAuthError(
            f"{method} {path}: the API key was refused; check PAY_API_KEY",
            provider_code=code,
            provider_status=status,
        )
    if code == IDEMPOTENCY_REUSED:
        raise IdempotencyKeyConflictError(
            detail, provider_code=code, provider_status=status
        )
    if status == 404 or code in NOT_FOUND_CODES:
        raise PaymentNotFoundAtProviderError(
            detail, provider_code=code, provider_status=status
        )
    if code in CANCEL_REFUSED_CODES:
        raise CancelRefusedError(detail, provider_code=code, provider_status=status)
    if status == 412 or code in REFUND_REFUSED_CODES:
        raise RefundRefusedError(detail, provider_code=code, provider_status=status)
    raise PaymentProviderError(detail, provider_code=code, provider_status=status)
