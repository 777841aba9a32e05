"""Desk: the supervision board, county calls and the weekly meeting sheet (hooked at desk/)."""

from django.urls import path

from cases import views_board

urlpatterns = [
    path("board/", views_board.board_page, name="desk_board"),
    path("board.xlsx", views_board.board_export, name="desk_board_xlsx"),
    path("calls/", views_board.calls_page, name="desk_calls"),
    path("meeting/", views_board.meeting_page, name="desk_meeting"),
]
