from django.contrib.auth import views as auth_views
from django.urls import include, path

from cases import views as case_views
from gridgov import views
from gridgov.admin_site import site as admin_site
from gridgov.forms import LoginForm
from grids import views as grid_views

urlpatterns = [
    path("", views.home, name="home"),
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
    path("i18n/", include("django.conf.urls.i18n")),
    path("m/", views.mobile_home, name="mobile_home"),
    path("desk/", views.desk_home, name="desk_home"),
    path("desk/tree/", grid_views.node_list, name="node_list"),
    path("desk/tree/<int:node_id>/", grid_views.node_detail, name="node_detail"),
    path("desk/tree/<int:node_id>/edit/", grid_views.node_edit, name="node_edit"),
    path("notices/", views.notices, name="notices"),
    path("desk/reports/", case_views.report_list, name="report_list"),
    path("desk/reports/<int:report_id>/xlsx/", case_views.report_download, name="report_download"),
    # Desk pages (issue: Township desk) — one include per feature module, added below this line.
    path("", include("grids.urls_ledger")),  # m/ledger/ (phone) and desk/ledger/ (import)
    path("m/report/", include("cases.urls_mobile_report")),
    path("m/", include("staff.urls_mobile")),
    path("desk/intake/", include("cases.urls_intake")),
    path("desk/", include("cases.urls_board")),
    path("desk/dashboard/", include("cases.urls_dashboard")),
    path("desk/cases/", include("cases.urls_case")),
    path("m/cases/", include("cases.urls_case_mobile")),
    path("admin/", admin_site.urls),
]
