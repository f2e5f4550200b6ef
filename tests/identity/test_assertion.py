"""council.identity: the assertion actions check before anything personal."""

import base64
import json
import time

import jwt
import pytest

from council import identity
from council.errors import CouncilError

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
CONVERSATION = "conversation-a"


def assertion(**overrides: object) -> str:
    values: dict[str, object] = {
        "subject": "resident-1",
        "name": "Amara Okafor",
        "email": "amara.okafor@residents.example",
        "conversation_id": CONVERSATION,
        "secret": SECRET,
    }
    values.update(overrides)
    return identity.issue(**values)  # type: ignore[arg-type]


def with_payload(token: str, **changes: object) -> str:
    """The same header and signature around a changed payload."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims.update(changes)
    raw = json.dumps(claims).encode()
    forged = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_verify_issued_assertion_returns_the_resident() -> None:
    resident = identity.verify(assertion(), CONVERSATION, secret=SECRET)

    assert resident.subject == "resident-1"
    assert resident.name == "Amara Okafor"
    assert resident.email == "amara.okafor@residents.example"
    assert resident.conversation_id == CONVERSATION
    assert resident.expires_at <= time.time() + identity.MAX_LIFETIME_SECONDS


def test_verify_assertion_for_another_conversation_is_refused() -> None:
    with pytest.raises(identity.WrongConversationError) as refused:
        identity.verify(assertion(), "conversation-b", secret=SECRET)

    assert refused.value.found == CONVERSATION
    assert refused.value.status == 403


def test_verify_assertion_with_changed_subject_is_refused() -> None:
    forged = with_payload(assertion(), sub="resident-2")

    with pytest.raises(identity.InvalidAssertionError):
        identity.verify(forged, CONVERSATION, secret=SECRET)


def test_verify_assertion_with_changed_conversation_is_refused() -> None:
    forged = with_payload(assertion(), cid="conversation-b")

    with pytest.raises(identity.InvalidAssertionError):
        identity.verify(forged, "conversation-b", secret=SECRET)


def test_verify_expired_assertion_is_refused() -> None:
    stale = assertion(now=time.time() - 600)

    with pytest.raises(identity.ExpiredAssertionError):
        identity.verify(stale, CONVERSATION, secret=SECRET)


def test_verify_assertion_signed_with_another_secret_is_refused() -> None:
    other = assertion(secret="another-secret-that-is-long-enough-for-hs256")

    with pytest.raises(identity.InvalidAssertionError):
        identity.verify(other, CONVERSATION, secret=SECRET)


def test_verify_assertion_with_alg_none_is_refused() -> None:
    claims = jwt.decode(assertion(), options={"verify_signature": False})
    unsigned = jwt.encode(claims, "", algorithm="none")

    with pytest.raises(identity.InvalidAssertionError):
        identity.verify(unsigned, CONVERSATION, secret=SECRET)


def test_verify_assertion_for_another_audience_is_refused() -> None:
    claims = jwt.decode(assertion(), options={"verify_signature": False})
    claims["aud"] = "council-console"

    token = jwt.encode(claims, SECRET, algorithm="HS256")

    with pytest.raises(identity.InvalidAssertionError):
        identity.verify(token, CONVERSATION, secret=SECRET)


def test_verify_assertion_living_longer_than_five_minutes_is_refused() -> None:
    claims = jwt.decode(assertion(), options={"verify_signature": False})
    claims["exp"] = claims["iat"] + 3600

    token = jwt.encode(claims, SECRET, algorithm="HS256")

    with pytest.raises(identity.InvalidAssertionError):
        identity.verify(token, CONVERSATION, secret=SECRET)


@pytest.mark.parametrize("token", [None, ""])
def test_verify_missing_assertion_is_refused(token: str | None) -> None:
    with pytest.raises(identity.MissingAssertionError):
        identity.verify(token, CONVERSATION, secret=SECRET)


def test_issue_for_longer_than_five_minutes_is_refused() -> None:
    with pytest.raises(ValueError, match="lifetime_seconds"):
        assertion(lifetime_seconds=301)


def test_every_refusal_is_a_council_error() -> None:
    assert issubclass(identity.IdentityAssertionError, CouncilError)
