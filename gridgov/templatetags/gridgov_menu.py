from django import template

from gridgov.menu import desk_links, opens

register = template.Library()


def _user(context):
    return getattr(context.get("request"), "user", None)


@register.simple_tag(takes_context=True)
def desk_menu(context):
    """The desk menu's links for the person viewing the page (gridgov.menu.DESK_MENU)."""
    return desk_links(_user(context))


@register.simple_tag(takes_context=True)
def menu_link_opens(context, url_name: str) -> bool:
    """Would the desk menu's page `url_name` open for the person viewing this page?"""
    return opens(_user(context), url_name)
