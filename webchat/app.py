"""The gateway application: build the services once, mount the routes."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from council.database import create_engine, create_tables
from council.enquiries import EnquiryService
from council.payments import build_payment_service
from council.safeguarding import UrgentHelp
from council.settings import Settings, get_settings
from council.single_view.conversations import ResidentConversations
from knowledge.search import KnowledgeSearch
from webchat import agent_socket, errors, state, supervisor_socket, websocket
from webchat.api import analytics as analytics_api
from webchat.api import (
    auth,
    console,
    conversations,
    health,
    knowledge,
    payments,
    staff_enquiries,
)
from webchat.api import teams as teams_api
from webchat.api.deps import Services
from webchat.body_limit import BodyLimit
from webchat.conversation_log import ConversationLog
from webchat.conversations import ConversationService
from webchat.dispatcher import Dispatcher
from webchat.handoff import HandoffService
from webchat.identity import build_identity
from webchat.identity.models import ResidentIdentity
from webchat.opening_hours import OpeningHours
from webchat.rasa_client import RasaClient
from webchat.rate_limits import RateLimits
from webchat.stopping import stop_within

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Return the gateway; services start with the application's lifespan."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await _start_services(settings)
        app.state.services = services
        app.state.payments = services.conversations.payments
        assert services.conversations.handoff is not None
        dispatcher = Dispatcher(
            services.conversations.handoff,
            escalate_after_seconds=settings.escalate_after_seconds,
            interval_seconds=settings.dispatch_interval_seconds,
            absent_after_seconds=settings.agent_absent_after_seconds,
        )
        dispatcher.start()
        logger.info(
            "Gateway ready on %s:%d", settings.gateway_host, settings.gateway_port
        )
        try:
            yield
        finally:
            await stop_within("the queue dispatcher", dispatcher.stop)
            await _stop_services(services)

    # The interactive docs pages load Swagger UI and ReDoc from a CDN, which a
    # council's network (or an offline machine) may not reach: the OpenAPI
    # description itself is served, for any API tool to read.
    app = FastAPI(
        title="Council webchat gateway",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    errors.install_handlers(app)
    app.include_router(health.router)
    app.include_router(conversations.router)
    app.include_router(knowledge.router)
    app.include_router(websocket.router)
    app.include_router(auth.router)
    app.include_router(console.router)
    app.include_router(agent_socket.router)
    app.include_router(payments.router)
    app.include_router(supervisor_socket.router)
    app.include_router(teams_api.router)
    app.include_router(analytics_api.router)
    app.include_router(staff_enquiries.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    async def demo_page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    return app


async def _start_services(settings: Settings) -> Services:
    engine = create_engine(settings.async_database_url)
    await create_tables(engine)

    shared = state.build(settings.redis_url, settings.redis_namespace)
    await shared.fanout.start()

    http = httpx.AsyncClient(timeout=settings.rasa_timeout_seconds)
    rasa = RasaClient(
        base_url=settings.rasa_url,
        secret=settings.gateway_rasa_secret.encode("utf-8"),
        token=settings.rasa_token,
        http=http,
    )
    search = await run_in_threadpool(
        KnowledgeSearch.open,
        settings.knowledge_index_dir,
        settings.embedding_model_path,
    )
    log = ConversationLog(engine)
    service = ConversationService(
        log=log,
        state=shared,
        rasa=rasa,
        max_message_chars=settings.max_message_chars,
        urgent_help=UrgentHelp(settings.urgent_help_title, settings.urgent_help_url),
    )
    service.handoff = HandoffService(
        service,
        OpeningHours.parse(
            settings.contact_centre_hours,
            closed_on_bank_holidays=settings.contact_centre_closed_on_bank_holidays,
        ),
        max_queue=settings.max_queue_length,
        offer_timeout_seconds=settings.offer_timeout_seconds,
    )
    identity = build_identity(settings, shared.redis)

    resident_conversations = ResidentConversations(engine)

    async def tell_the_chat(conversation_id: str, resident: ResidentIdentity) -> None:
        # Kept beyond the sign-in's few hours, so the resident's subject-access
        # export finds this transcript for as long as it is kept.
        await resident_conversations.note(resident.subject, conversation_id)
        await service.record(
            "system",
            {"text": f"You are signed in as {resident.name}.", "signed_in": True},
            conversation_id,
            kind="state",
        )

    identity.on_resident_signed_in = tell_the_chat
    service.payments = build_payment_service(settings, engine, http)
    service.payments.on_finished = payments.tell_the_conversation(service)
    service.assertions = identity.assertion_for_conversation
    return Services(
        settings,
        engine,
        http,
        shared,
        rasa,
        service,
        search,
        identity=identity,
        enquiries=EnquiryService(engine),
        limits=RateLimits.build(
            settings.redis_url,
            settings.rate_limit_per_connection,
            settings.rate_limit_per_address,
            settings.rate_limit_new_conversations,
        ),
    )


async def _stop_services(services: Services) -> None:
    redis = services.state.redis
    await stop_within(
        "the conversation events subscription", services.state.fanout.stop
    )
    if redis is not None:
        await stop_within("the Redis client", redis.aclose)
    await stop_within("the HTTP client", services.http.aclose)
    await stop_within("the database engine", services.engine.dispose)
    logger.info("Gateway stopped")
