"""A signed-in resident sees their own affairs, from the verified identity
only; nothing a caller passes can turn the view to somebody else."""

import inspect
import time
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from council.enquiries import EnquiryService, Location, NewEnquiry
from council.identity import (
    ExpiredAssertionError,
    IdentityAssertionError,
    InvalidAssertionError,
    MissingAssertionError,
    VerifiedResident,
    WrongConversationError,
)
from council.single_view.index import IdentityConflictError
from council.single_view.models import sv_conversations, sv_people
from council.single_view.records import Instalment
from council.single_view.service import SingleViewService
from tests.single_view.conftest import (
    CATHERINE_UPRN,
    SECRET,
    TODAY,
    County,
    verified,
)


async def test_for_resident_shows_balance_instalment_bins_and_claims(
    service: SingleViewService, county: County
) -> None:
    view = await service.for_resident(verified())

    assert view.person_id == county.catherine
    assert [account.account_ref for account in view.council_tax] == ["99000001"]
    assert view.council_tax[0].balance_pence == 41_740
    assert view.council_tax[0].next_instalment == Instalment(
        TODAY.replace(year=2027, month=1, day=1), 20_870
    )
    assert view.uprn == CATHERINE_UPRN
    assert {collection.bin_type for collection in view.collections} == {
        "rubbish",
        "recycling",
        "food",
    }
    assert all(collection.on >= TODAY for collection in view.collections)
    assert [claim.claim_ref for claim in view.benefits] == ["BC9900001"]
    assert all(link.confidence >= 0.95 for link in view.links)


async def test_for_resident_never_shows_the_namesakes_records(
    service: SingleViewService, county: County
) -> None:
    view = await service.for_resident(verified())
    namesake = await service.for_resident(
        verified("subject-other-catherine", "c.macdonald@example.net", "conversation-2")
    )

    assert "99000002" not in [account.account_ref for account in view.council_tax]
    assert [account.account_ref for account in namesake.council_tax] == ["99000002"]
    assert "BC9900001" not in [claim.claim_ref for claim in namesake.benefits]
    assert namesake.person_id == county.other_catherine


def test_for_resident_takes_the_verified_identity_and_nothing_else() -> None:
    parameters = list(inspect.signature(SingleViewService.for_resident).parameters)

    assert parameters == ["self", "verified"]


async def test_for_resident_changed_identity_fields_find_only_their_owner(
    service: SingleViewService, county: County
) -> None:
    # A resident who could choose the subject would see the other's view;
    # a subject nobody holds gets a new, empty person, not somebody's records.
    stranger = await service.for_resident(
        verified("subject-nobody", "nobody@example.org", "conversation-3")
    )

    assert stranger.person_id not in (county.catherine, county.other_catherine)
    assert stranger.council_tax == ()
    assert stranger.benefits == ()


async def test_for_resident_email_held_by_another_subject_is_refused(
    service: SingleViewService, county: County
) -> None:
    with pytest.raises(IdentityConflictError):
        await service.for_resident(
            verified("subject-impostor", "catherine.mcdonald@example.com", "c-4")
        )


@pytest.mark.parametrize(
    ("make_token", "error"),
    [
        (
            lambda issue: issue(secret="another-secret-of-sufficient-length!"),
            InvalidAssertionError,
        ),
        (lambda issue: issue(now=time.time() - 600), ExpiredAssertionError),
        (
            lambda issue: issue(conversation_id="someone-elses-chat"),
            WrongConversationError,
        ),
        (lambda issue: _tampered(issue()), InvalidAssertionError),
        (lambda issue: None, MissingAssertionError),
    ],
    ids=["forged", "expired", "other-conversation", "tampered", "missing"],
)
async def test_for_assertion_untrustworthy_assertion_is_refused(
    service: SingleViewService,
    county: County,
    assertion: Callable[..., str],
    make_token: Callable[[Callable[..., str]], str | None],
    error: type[IdentityAssertionError],
) -> None:
    with pytest.raises(error):
        await service.for_assertion(
            make_token(assertion), "conversation-catherine", secret=SECRET
        )


def _tampered(token: str) -> str:
    """The other Catherine's subject put into a validly signed token's body."""
    import base64
    import json

    header, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["sub"] = "subject-other-catherine"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    return f"{header}.{forged.decode()}.{signature}"


async def test_for_assertion_valid_assertion_shows_own_view_and_notes_chat(
    engine: AsyncEngine,
    service: SingleViewService,
    county: County,
    assertion: Callable[..., str],
) -> None:
    view = await service.for_assertion(
        assertion(), "conversation-catherine", secret=SECRET
    )

    async with engine.connect() as connection:
        owner = (
            await connection.execute(
                select(sv_conversations.c.subject).where(
                    sv_conversations.c.conversation_id == "conversation-catherine"
                )
            )
        ).scalar()
    assert view.person_id == county.catherine
    assert owner == "subject-catherine"


async def test_for_resident_expired_identity_is_refused(
    service: SingleViewService, county: County
) -> None:
    stale = VerifiedResident(
        subject="subject-catherine",
        name="Catherine McDonald",
        email="catherine.mcdonald@example.com",
        conversation_id="conversation-catherine",
        roles=(),
        expires_at=int(time.time()) - 3600,
    )

    with pytest.raises(ExpiredAssertionError):
        await service.for_resident(stale)


async def test_for_resident_first_sign_in_links_by_verified_email_at_once(
    engine: AsyncEngine, service: SingleViewService, county: County
) -> None:
    enquiry = await EnquiryService(engine).create(
        NewEnquiry(
            category="waste.missed-collection",
            details="Food caddy not emptied",
            location=Location(postcode="TR1 2AB"),
            contact_name="Jory Pascoe",
            contact_email="Jory.Pascoe@example.org",
            conversation_id="conversation-jory",
        )
    )

    view = await service.for_resident(
        verified(
            "subject-jory",
            "jory.pascoe@example.org",
            "conversation-jory",
            "Jory Pascoe",
        )
    )

    async with engine.connect() as connection:
        person = (
            await connection.execute(
                select(sv_people).where(sv_people.c.subject == "subject-jory")
            )
        ).first()
    assert person is not None and person.email == "jory.pascoe@example.org"
    assert [open.reference for open in view.open_enquiries] == [enquiry.reference]
    assert view.open_enquiries[0].status == "received"
