"""Filters for the desk dashboard: a rate as a percentage, "—" when there is nothing to divide."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def pct(rate) -> str:
    """0.9486 → "94.86%"; None (denominator 0) → "—", never 0%."""
    if rate is None:
        return "—"
    return f"{number_format(rate * 100, 2)}%"
