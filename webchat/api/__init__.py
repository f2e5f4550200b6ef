"""HTTP routes of the gateway; each module is one resource."""
