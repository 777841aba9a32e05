"""The doors: after login each person lands where their work is."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from staff import access

DOOR_URLS = {
    "admin": "admin:index",
    "desk": "desk_home",
    "province": "province_summary",
    "mobile": "mobile_home",
}


@login_required
def home(request):
    door = access.door_for(request.user)
    if not door:
        return render(request, "gridgov/no_post.html", status=200)
    return redirect(reverse(DOOR_URLS[door]))


# One plain layout for both doors: a phone and a desk browser change a password the same way.
password_change = auth_views.PasswordChangeView.as_view(
    template_name="registration/password_change.html"
)
password_changed = auth_views.PasswordChangeDoneView.as_view(
    template_name="registration/password_changed.html"
)


def lockout(request, original_response=None, credentials=None):
    """What a locked-out login sees (django-axes calls this): 429 and when to try again."""
    from django.conf import settings

    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "registration/lockout.html", {"cooloff_minutes": minutes}, status=429)
