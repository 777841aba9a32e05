from django.utils.functional import SimpleLazyObject

from gridgov.notify import unread_count


def bell(request):
    """The unread count for the bell; counted only on pages that show it."""
    user = getattr(request, "user", None)
    return {"unread_notices": SimpleLazyObject(lambda: unread_count(user) if user else 0)}
