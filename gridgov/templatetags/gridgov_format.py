"""Formats shared by every door's pages."""

import datetime as dt

from django import template
from django.utils import timezone

from gridgov.durations import format_duration

register = template.Library()


@register.filter
def duration(value) -> str:
    """A timedelta in the one format of gridgov/durations.py."""
    return format_duration(value if isinstance(value, dt.timedelta) else None)


@register.filter
def since(value) -> str:
    """How long ago a moment was (or how long until it, if it is ahead)."""
    if not isinstance(value, dt.datetime):
        return "—"
    return format_duration(timezone.now() - value)
