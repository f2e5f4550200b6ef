"""Microsoft Teams for councillors: the Bot Framework channel of the gateway.

``POST /api/messages`` (``webchat/api/teams.py``) hands each request to a
:class:`TeamsChannel`, built here from the settings at start. The same pieces
build a :class:`CaseworkNotifier` for any process that changes enquiry
statuses. See ``docs/teams.md``.
"""

import logging

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from council.councillors import CaseworkService, load_councillors, sync_councillors
from council.enquiries import EnquiryService, StatusChanged, StatusObserver
from council.settings import Settings
from webchat.teams.auth import BotAuthenticationError, BotAuthenticator
from webchat.teams.bot import CaseworkBot
from webchat.teams.channel import Answer, TeamsChannel
from webchat.teams.connector import ENTRA_HOST, ConnectorClient
from webchat.teams.dedupe import SeenActivities, build_seen
from webchat.teams.notifier import CaseworkNotifier

logger = logging.getLogger(__name__)

__all__ = [
    "Answer",
    "BotAuthenticationError",
    "CaseworkNotifier",
    "TeamsChannel",
    "build_connector",
    "build_notifier",
    "start_channel",
    "status_observer",
]


def build_connector(settings: Settings) -> ConnectorClient:
    """The bot's client for the Bot Connector, from ``BOT_*`` settings.

    ``BOT_AUTHORITY`` (any OIDC authority: the local stand-in) wins over
    ``BOT_TENANT_ID`` (Entra: ``https://login.microsoftonline.com/{tenant}``).
    """
    if settings.bot_authority:
        authority, is_entra = settings.bot_authority, False
    elif settings.bot_tenant_id:
        authority, is_entra = f"{ENTRA_HOST}/{settings.bot_tenant_id}", True
    else:
        raise ValueError(
            "BOT_TENANT_ID is empty: the bot's single-tenant registration needs "
            "its tenant (or BOT_AUTHORITY for a local stand-in)"
        )
    return ConnectorClient(
        settings.bot_app_id,
        settings.bot_app_secret,
        authority,
        is_entra=is_entra,
        ca_file=settings.bot_ca_file,
    )


def build_notifier(
    settings: Settings,
    engine: AsyncEngine,
    redis: Redis | None = None,
    connector: ConnectorClient | None = None,
) -> CaseworkNotifier:
    """A notifier for status changes; when done, ``await notifier.close()``
    (pending messages) and then close its ``connector``."""
    casework = CaseworkService(engine, EnquiryService(engine))
    return _notifier(
        settings,
        casework,
        connector or build_connector(settings),
        build_seen(redis, settings.bot_activity_ttl_seconds),
    )


def _notifier(
    settings: Settings,
    casework: CaseworkService,
    connector: ConnectorClient,
    seen: SeenActivities,
) -> CaseworkNotifier:
    return CaseworkNotifier(
        casework,
        connector,
        seen,
        attempts=settings.bot_notify_attempts,
        first_wait_seconds=settings.bot_notify_first_wait_seconds,
    )


def status_observer(notifier: CaseworkNotifier) -> StatusObserver:
    """An enquiry status observer that tells the case's councillor in Teams.

    Add it to ``EnquiryService.observers``. It only starts the message in the
    background (:meth:`CaseworkNotifier.notify_later`), so the change's caller
    is never held up by Teams; changes to enquiries no councillor raised send
    nothing (:meth:`CaseworkNotifier.on_status_changed`).
    """

    async def tell_the_councillor(event: StatusChanged) -> None:
        notifier.notify_later(event.enquiry.reference)

    return tell_the_councillor


async def start_channel(
    settings: Settings, engine: AsyncEngine, redis: Redis | None = None
) -> TeamsChannel:
    """The channel, with the councillor list synced from ``COUNCILLORS_FILE``.

    ``engine`` must be migrated. Close the channel with :meth:`TeamsChannel.close`.
    """
    if settings.councillors_file is not None:
        await sync_councillors(engine, load_councillors(settings.councillors_file))

    enquiries = EnquiryService(engine)
    casework = CaseworkService(engine, enquiries)
    connector = build_connector(settings)
    seen = build_seen(redis, settings.bot_activity_ttl_seconds)
    channel = TeamsChannel(
        authenticator=BotAuthenticator(
            settings.bot_app_id,
            settings.bot_openid_metadata_url,
            leeway_seconds=settings.bot_token_leeway_seconds,
            ca_file=settings.bot_ca_file,
        ),
        seen=seen,
        bot=CaseworkBot(casework, connector, enquiries.categories),
        notifier=_notifier(settings, casework, connector, seen),
        connector=connector,
    )
    logger.info("Teams channel ready for bot %s", settings.bot_app_id)
    return channel
