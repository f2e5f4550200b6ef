"""The webchat gateway: the single front door for residents, agents and channels."""
