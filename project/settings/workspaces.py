"""Workspaces and documents."""

from datetime import timedelta

from apps.core.env import env_timedelta

# How long an invitation link works (it also stops working once used or revoked).
INVITATION_TTL = env_timedelta("INVITATION_TTL", timedelta(days=7))
