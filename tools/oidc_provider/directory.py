"""The provider's seeded clients and users, read from a YAML file."""

import hmac
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml

SEED = Path(__file__).with_name("seed.yaml")

Kind = Literal["staff", "resident"]

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class User:
    sub: str
    username: str
    name: str
    email: str
    kind: Kind
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Client:
    client_id: str
    client_secret: str
    kind: Kind
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...] = ()

    def secret_matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.client_secret.encode(), secret.encode())

    def allows_redirect(self, uri: str) -> bool:
        return any(_same_redirect(uri, known) for known in self.redirect_uris)

    def allows_logout_redirect(self, uri: str) -> bool:
        return any(
            _same_redirect(uri, known) for known in self.post_logout_redirect_uris
        )


@dataclass
class Directory:
    """Who may sign in, and to which client."""

    clients: dict[str, Client] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = SEED) -> "Directory":
        """Read the seed file; raises ``ValueError`` naming a bad entry."""
        data: dict[str, Any] = yaml.safe_load(path.read_text()) or {}

        directory = cls()
        for entry in data.get("clients", []):
            client = Client(
                client_id=entry["client_id"],
                client_secret=entry["client_secret"],
                kind=_kind(entry, "client " + entry["client_id"]),
                redirect_uris=tuple(entry.get("redirect_uris", [])),
                post_logout_redirect_uris=tuple(
                    entry.get("post_logout_redirect_uris", [])
                ),
            )
            directory.clients[client.client_id] = client
        for entry in data.get("users", []):
            user = User(
                sub=entry["sub"],
                username=entry["username"],
                name=entry["name"],
                email=entry["email"],
                kind=_kind(entry, "user " + entry["username"]),
                roles=tuple(entry.get("roles") or ()),
            )
            directory.users[user.username] = user
        return directory

    def users_for(self, client: Client) -> list[User]:
        """The users the login form offers for ``client``."""
        return [user for user in self.users.values() if user.kind == client.kind]


def _kind(entry: dict[str, Any], what: str) -> Kind:
    kind = entry.get("kind")
    if kind not in ("staff", "resident"):
        raise ValueError(f"{what}: kind must be staff or resident, not {kind!r}")
    return kind  # type: ignore[no-any-return]


def _same_redirect(uri: str, registered: str) -> bool:
    """Exact match, except that a loopback redirect may use any port.

    RFC 8252 section 7.3: the port of a loopback redirect URI varies, so tests
    and ``make run`` on another port need no change to the seed file.
    """
    if uri == registered:
        return True

    given, known = urlsplit(uri), urlsplit(registered)
    return (
        given.hostname in LOOPBACK_HOSTS
        and given.scheme == known.scheme
        and given.hostname == known.hostname
        and given.path == known.path
        and given.query == known.query
        and not given.fragment
    )
