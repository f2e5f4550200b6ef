"""A local OpenID Connect provider for development and tests.

``python -m tools.oidc_provider --port 9443`` serves
``https://127.0.0.1:9443/council`` with a certificate from a fresh local test CA,
whose PEM it writes to ``var/oidc/ca.pem`` for the gateway (``IDENTITY_CA_FILE``).
It issues real RS256 tokens to the seeded clients and users of ``seed.yaml``, so
the real MSAL sign-in flows run without a network. Never for production.
"""
