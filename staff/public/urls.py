"""The residents' door of people and points: a resident's points card, by its code (/g/points/)."""

from django.urls import path

from staff.public import points

urlpatterns = [
    path("points/<str:card_code>/", points.points_card, name="public_points_card"),
]
