"""Build the payment service from the settings, for the gateway and the tools."""

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from council.payments.charges import PriceList, SampleCharges
from council.payments.client import PayClient
from council.payments.record_charges import CouncilRecordCharges
from council.payments.service import PaymentService
from council.settings import Settings


def build_payment_service(
    settings: Settings,
    engine: AsyncEngine,
    http: httpx.AsyncClient | None = None,
) -> PaymentService:
    """A service on ``engine`` that talks to ``PAY_API_URL``.

    Council Tax balances and penalty charge notices come from the council's
    own systems (the single view's silos), then from the sample records
    (``PAY_SAMPLE_CHARGES_FILE``); bulky waste from the price list
    (``PAY_PRICE_LIST_FILE``). ``http`` may be the process's shared client; its owner
    closes it.
    """
    prices = (
        PriceList.load(settings.pay_price_list_file)
        if settings.pay_price_list_file
        else PriceList.load()
    )
    sample = (
        SampleCharges.load(settings.pay_sample_charges_file, prices=prices)
        if settings.pay_sample_charges_file
        else SampleCharges.load(prices=prices)
    )
    charges = CouncilRecordCharges(engine, fallback=sample)
    client = PayClient(
        settings.pay_api_url,
        settings.pay_api_key,
        http=http,
        timeout_seconds=settings.pay_timeout_seconds,
    )
    secrets = [settings.pay_webhook_secret, *settings.pay_previous_webhook_secrets]
    return PaymentService(
        engine=engine,
        client=client,
        charges=charges,
        return_base_url=settings.payment_return_base_url,
        webhook_secrets=secrets,
    )
