"""Portraits on the residents' pages and bulletins (/g/photos/<code>.jpg): only of people who
serve in a public post now; the code is the stored photo's random name, so it reveals nothing
and cannot be guessed."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from grids.queries import PUBLIC_ROLES
from staff.models import PORTRAITS, Assignment, Profile


@require_safe
def portrait(request, photo_code: str):
    profile = Profile.objects.filter(photo=f"{PORTRAITS}/{photo_code}.jpg").first()
    serving = (
        profile is not None
        and Assignment.objects.active()
        .filter(user_id=profile.user_id, user__is_active=True, role__in=PUBLIC_ROLES)
        .exists()
    )
    if not serving:
        raise Http404("No such photo.")
    try:
        photo = profile.photo.open("rb")
    except OSError:  # the row outlived its file (a restore, a manual clean-up)
        raise Http404("No such photo.") from None
    response = FileResponse(photo, content_type="image/jpeg")
    # A replaced photo gets a new name, so a day's caching never shows an old face for long.
    response["Cache-Control"] = "public, max-age=86400"
    return response
