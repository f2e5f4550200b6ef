"""A local Bot Connector for development and tests, speaking the real protocol.

It plays both Microsoft sides of a Teams bot over real HTTPS (a fresh local
``trustme`` CA): the Bot Connector service, which publishes OpenID metadata and
a JWKS with per-channel ``endorsements``, signs a JWT for each activity it
posts to the bot's ``/api/messages`` and receives the bot's replies at its
``serviceUrl``; and the bot's Entra tenant, which issues the bot its access
tokens by client credentials (an OIDC authority MSAL can use). Never for
production. See docs/teams.md.
"""
