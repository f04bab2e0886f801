"""The public read-only JSON API under /api/v1/: events, their agenda and partners, networks and organisations."""
