"""The banner that asks for next year's holidays, on the admin index and the desk home."""

from django import template
from django.urls import reverse

from cases.checks import unentered_year
from staff import access

register = template.Library()


@register.simple_tag
def holiday_warning(user):
    """{"year", "link"} while next year's holidays wait to be entered, else None. The link to
    the Holiday admin only for those who may open the admin."""
    year = unentered_year()
    if year is None:
        return None
    link = None
    if user.is_superuser or access.can_anywhere(user, "door.admin"):
        link = reverse("admin:cases_holiday_changelist")
    return {"year": year, "link": link}
