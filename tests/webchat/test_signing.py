"""Signatures between the gateway and Rasa's gateway channel."""

from bot import signing

SECRET = b"a-test-secret"


def test_verify_accepts_what_sign_produced():
    header = signing.sign(SECRET, b'{"a": 1}', timestamp=1_000)

    assert signing.verify(SECRET, b'{"a": 1}', header, now=1_010)


def test_verify_refuses_a_changed_body():
    header = signing.sign(SECRET, b'{"a": 1}', timestamp=1_000)

    assert not signing.verify(SECRET, b'{"a": 2}', header, now=1_000)


def test_verify_refuses_another_secret():
    header = signing.sign(b"another", b"{}", timestamp=1_000)

    assert not signing.verify(SECRET, b"{}", header, now=1_000)


def test_verify_refuses_a_stale_signature():
    header = signing.sign(SECRET, b"{}", timestamp=1_000)

    assert not signing.verify(SECRET, b"{}", header, now=1_000 + 301)


def test_verify_refuses_missing_or_garbled_headers():
    assert not signing.verify(SECRET, b"{}", None)
    assert not signing.verify(SECRET, b"{}", "nonsense")
    assert not signing.verify(SECRET, b"{}", "t=abc,v1=00")
