"""Who may post to /api/messages: only the Bot Connector, for this bot.

Each refused request is signed with the stand-in's real published keys but
breaks one rule; the accepted ones prove the same path works when it holds.
"""

import logging

import jwt
import pytest

from tests.teams.conftest import PENROSE, wait_for_replies
from tests.teams.servers import Gateway
from tools.bot_connector.keys import make_key
from tools.bot_connector.service import BotConnector

REFUSAL_LOG = "Refused a request to /api/messages"


def help_message(connector: BotConnector, conversation_id: str) -> dict:
    return connector.activity("message", PENROSE, conversation_id, text="help")


async def test_messages_with_valid_token_accepted_and_answered(
    sqlite_gateway: Gateway, connector: BotConnector, conversation_id: str
) -> None:
    response = await connector.deliver(help_message(connector, conversation_id))

    assert response.status_code == 202
    replies = await wait_for_replies(connector, conversation_id, 1)
    assert "Hello Cllr Morwenna Penrose (Truro Boscawen)" in replies[0]["text"]


async def test_messages_clock_90_seconds_behind_accepted(
    sqlite_gateway: Gateway, connector: BotConnector, conversation_id: str
) -> None:
    # The connector's clock runs 90 s ahead of the gateway's: to the gateway
    # the token's nbf and iat are 90 s in the future, inside the leeway.
    token = connector.channel_token(clock_offset_seconds=90)

    response = await connector.deliver(help_message(connector, conversation_id), token)

    assert response.status_code == 202
    await wait_for_replies(connector, conversation_id, 1)


async def test_messages_token_expired_within_leeway_accepted(
    sqlite_gateway: Gateway, connector: BotConnector, conversation_id: str
) -> None:
    token = connector.channel_token(clock_offset_seconds=-3600 - 90)

    response = await connector.deliver(help_message(connector, conversation_id), token)

    assert response.status_code == 202


@pytest.mark.parametrize(
    "case",
    [
        "no token",
        "not bearer",
        "wrong audience",
        "wrong issuer",
        "expired",
        "not yet valid",
        "wrong serviceurl claim",
        "no serviceurl claim",
        "key not endorsed for the channel",
        "unpublished key",
        "HS256 with the public key",
    ],
)
async def test_messages_bad_token_refused_401(
    sqlite_gateway: Gateway,
    connector: BotConnector,
    conversation_id: str,
    caplog: pytest.LogCaptureFixture,
    case: str,
) -> None:
    activity = help_message(connector, conversation_id)
    token = _bad_token(connector, case)
    caplog.set_level(logging.INFO, logger="webchat.teams")

    if case == "not bearer":
        response = await _post_with_header(connector, activity, f"Basic {token}")
    else:
        response = await connector.deliver(activity, token)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorised"
    assert REFUSAL_LOG in caplog.text
    if token:
        assert token not in caplog.text
        assert token.split(".")[1] not in caplog.text
    assert connector.replies(conversation_id) == []


async def test_messages_activity_service_url_not_the_signed_one_refused(
    sqlite_gateway: Gateway, connector: BotConnector, conversation_id: str
) -> None:
    # A valid token for the real serviceUrl, replayed with the activity
    # rewritten so the bot would post its reply (and its token) elsewhere.
    activity = help_message(connector, conversation_id)
    token = connector.channel_token(activity["serviceUrl"])
    activity["serviceUrl"] = "https://127.0.0.1:9/elsewhere/"

    response = await connector.deliver(activity, token)

    assert response.status_code == 401


async def test_messages_key_rotated_after_first_fetch_accepted(
    sqlite_gateway: Gateway, connector: BotConnector, conversation_id: str
) -> None:
    # Let the gateway refetch at once for an unknown kid (10 s by default).
    sqlite_gateway.channel.authenticator.refresh_cooldown_seconds = 0
    first = await connector.deliver(help_message(connector, conversation_id))
    assert first.status_code == 202

    new_key = connector.rotate_channel_key()
    try:
        token = connector.channel_token(key=new_key)
        second = await connector.deliver(
            help_message(connector, conversation_id), token
        )
    finally:
        connector.channel_keys.remove(new_key)

    assert second.status_code == 202


async def test_messages_body_not_an_activity_refused_400(
    sqlite_gateway: Gateway, connector: BotConnector
) -> None:
    response = await _post_with_header(
        connector, {"hello": "world"}, f"Bearer {connector.channel_token()}"
    )

    assert response.status_code == 400


def _bad_token(connector: BotConnector, case: str) -> str | None:
    if case == "no token":
        return None
    if case in ("not bearer",):
        return connector.channel_token()
    if case == "wrong audience":
        return connector.channel_token(audience="another-bots-app-id")
    if case == "wrong issuer":
        return connector.channel_token(issuer="https://sts.windows.net/someone/")
    if case == "expired":
        return connector.channel_token(clock_offset_seconds=-3600 - 400)
    if case == "not yet valid":
        return connector.channel_token(clock_offset_seconds=400)
    if case == "wrong serviceurl claim":
        return connector.channel_token("https://attacker.example/teams/")
    if case == "no serviceurl claim":
        return connector.channel_token(omit=("serviceurl",))
    if case == "key not endorsed for the channel":
        return connector.channel_token(key=connector.channel_keys[1])
    if case == "unpublished key":
        return connector.channel_token(key=make_key(["msteams"]))
    if case == "HS256 with the public key":
        claims = jwt.decode(
            connector.channel_token(), options={"verify_signature": False}
        )
        public = connector.channel_keys[0].public_jwk
        return jwt.encode(
            claims, public["n"], algorithm="HS256", headers={"kid": public["kid"]}
        )
    raise AssertionError(case)


async def _post_with_header(connector: BotConnector, body: dict, header: str):
    import httpx

    async with httpx.AsyncClient(timeout=15, trust_env=False) as client:
        return await client.post(
            connector.bot_endpoint, json=body, headers={"Authorization": header}
        )
