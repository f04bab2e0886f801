"""Webhooks: the tools of a network or an organiser told of every change to a registration."""
