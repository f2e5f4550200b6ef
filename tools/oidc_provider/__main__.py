"""Run the local OIDC provider: ``python -m tools.oidc_provider --port 9443``."""

import argparse
import logging
from pathlib import Path

import uvicorn

from tools.oidc_provider.app import Provider, create_provider_app
from tools.oidc_provider.directory import SEED, Directory
from tools.oidc_provider.keys import make_signing_key, make_tls

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tools.oidc_provider", description=__doc__
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9443)
    parser.add_argument("--path", default="/council", help="the issuer's path")
    parser.add_argument("--state-dir", type=Path, default=ROOT / "var" / "oidc")
    parser.add_argument(
        "--ca-file", type=Path, help="where to write the CA (default STATE_DIR/ca.pem)"
    )
    parser.add_argument("--seed", type=Path, default=SEED, help="clients and users")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    if not args.path.startswith("/") or args.path == "/":
        parser.error("--path needs at least one segment, e.g. /council (MSAL)")
    args.state_dir.mkdir(parents=True, exist_ok=True)
    tls = make_tls(args.state_dir, args.ca_file or args.state_dir / "ca.pem")
    key = make_signing_key(args.state_dir)
    issuer = f"https://{args.host}:{args.port}{args.path.rstrip('/')}"
    provider = Provider(issuer=issuer, directory=Directory.load(args.seed), key=key)

    logger.info("Local OIDC provider at %s (CA in %s)", issuer, tls.ca_file)
    uvicorn.run(
        create_provider_app(provider),
        host=args.host,
        port=args.port,
        ssl_certfile=str(tls.cert_file),
        ssl_keyfile=str(tls.key_file),
        log_level="warning",
        timeout_graceful_shutdown=1,
    )


if __name__ == "__main__":
    main()
