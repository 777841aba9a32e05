"""The case pages of the desk, under /desk/."""

from django.urls import path

from cases.desk import (
    board,
    calls,
    case_page,
    dashboard,
    intake,
    meeting,
    province,
    reports,
    verify,
)

urlpatterns = [
    path("intake/", intake.intake_queue, name="intake_queue"),
    path("intake/<int:case_id>/", intake.intake_case, name="intake_case"),
    path("verify/", verify.verify_queue, name="verify_queue"),
    path("cases/", case_page.case_list, name="case_list"),
    path("cases/<int:case_id>/", case_page.case_detail, name="case_detail"),
    path("cases/<int:case_id>/act/", case_page.case_act, name="case_act"),
    path("cases/<int:case_id>/files/<int:file_id>/", case_page.case_file, name="case_file"),
    path(
        "cases/<int:case_id>/reporter-phone/",
        case_page.case_reveal_phone,
        name="case_reveal_phone",
    ),
    path("board/", board.board_page, name="desk_board"),
    path("board.xlsx", board.board_export, name="desk_board_xlsx"),
    path("calls/", calls.calls_page, name="desk_calls"),
    path("meeting/", meeting.meeting_page, name="desk_meeting"),
    path("dashboard/", dashboard.dashboard, name="desk_dashboard"),
    path("province/", province.province_summary, name="province_summary"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/<int:report_id>/xlsx/", reports.report_download, name="report_download"),
]
