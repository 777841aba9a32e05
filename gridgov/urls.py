"""The doors, as in the README: each app brings the pages it has for a door."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path

from gridgov import notices, views
from gridgov.admin_site import site as admin_site
from gridgov.forms import LoginForm

desk = [  # township staff at a computer
    path("", include("staff.desk.urls")),
    path("", include("grids.desk.urls")),
    path("", include("cases.desk.urls")),
    path("", include("services.desk.urls")),
]
mobile = [  # grid workers, informants and street chiefs on a phone
    path("", include("staff.mobile.urls")),
    path("", include("grids.mobile.urls")),
    path("", include("cases.mobile.urls")),
    path("", include("services.mobile.urls")),
]
public = [  # residents, from the QR code on their grid's bulletin board: no login
    path("", include("grids.public.urls")),
    path("", include("cases.public.urls")),
    path("", include("services.public.urls")),
    path("", include("staff.public.urls")),  # a resident's points card
]
account = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html",
            redirect_authenticated_user=True,
            authentication_form=LoginForm,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("password/done/", views.password_changed, name="password_change_done"),
    path("notices/", notices.notices, name="notices"),
    path("notices/<int:notice_id>/", notices.notice_open, name="notice_open"),
    path("i18n/", include("django.conf.urls.i18n")),
]


def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links: send them to the static icon (its
    hashed, long-cached name in production), for anyone, signed in or not."""
    return HttpResponseRedirect(static("gridgov/favicon.ico"))


urlpatterns = [
    path("", views.home, name="home"),  # sends each person to their door
    path("favicon.ico", favicon, name="favicon"),
    *account,
    path("desk/", include(desk)),
    path("m/", include(mobile)),
    path("g/", include(public)),
    path("api/v1/", include("gridgov.api.urls")),  # other systems, and the pages' scripts
    path("open311/v2/", include("cases.open311.urls")),  # the Open311 GeoReport v2 standard
    path("admin/", admin_site.urls),  # county admins
]
