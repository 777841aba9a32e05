"""The residents' door (/g/): public pages, without login. Every name starts with public_;
a place is named by its code, a case by its tracking code, never by an id."""

from django.urls import path

from cases.public import report, track

urlpatterns = [
    path("track/", track.track_form, name="public_track_form"),
    path("track/<str:tracking_code>/", track.track, name="public_track"),
    path("track/<str:tracking_code>/rate/", track.rate, name="public_rate"),
    path("track/<str:tracking_code>/reopen/", track.reopen, name="public_reopen"),
    path("<str:code>/report/", report.report, name="public_report"),
]
