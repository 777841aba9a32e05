"""Failed logins, on top of django-axes: two limits instead of one.

Axes locks a username on one address after AXES_FAILURE_LIMIT failures (an attacker elsewhere
cannot lock a worker out, and colleagues behind the same NAT are not locked with them). That
alone lets one address try a few passwords on every username (password spraying), so the
address as a whole is locked too after AXES_IP_FAILURE_LIMIT failures within the cool-off:
generous enough for a township office behind one NAT address. Axes compares one count with one
limit; `LoginThrottle.get_failures` folds the address count into that comparison.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Sum

# axes stores the username in a 255-character column; a longer one must not fail the insert.
RECORDED_USERNAME_LENGTH = 255


def recorded_username(request, credentials: dict | None = None) -> str | None:
    """The username axes records and counts: as typed, cut to fit its column."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field)
    return value[:RECORDED_USERNAME_LENGTH] if isinstance(value, str) else value


def _failures(attempts) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginThrottle(AxesDatabaseHandler):
    """Axes' database handler, with a second, larger limit per client address."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The failures of this username on this address; at least the limit once the address
        as a whole has reached AXES_IP_FAILURE_LIMIT."""
        recent = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            recent = recent.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        per_username = _failures(recent.filter(username=username))
        if _failures(recent) >= settings.AXES_IP_FAILURE_LIMIT:
            return max(per_username, get_failure_limit(request, credentials))
        return per_username
