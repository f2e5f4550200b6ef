"""A local stand-in for GOV.UK Pay: its payments API, a hosted card page that
takes the documented test cards, and signed webhooks. For development and
tests only; it holds payments in memory. See ``docs/payments.md``."""
