"""The phone's front page, the daily rounds (patrol, joining a patrol, household visits), the
person's appraisal and points, the village shop's counter, their training (signing in by a
session's QR code) and the people they evaluate, under /m/."""

from django.urls import path

from staff.mobile import appraisal, copatrol, patrol, points, today, training, visits

urlpatterns = [
    path("", today.mobile_home, name="mobile_home"),
    path("patrol/", patrol.patrol_today, name="patrol_today"),
    path("copatrol/", copatrol.copatrol_list, name="copatrol_list"),
    path("copatrol/<int:patrol_id>/join/", copatrol.copatrol_join, name="copatrol_join"),
    path("visits/", visits.visit_list, name="visit_list"),
    path("visits/<int:household_id>/new/", visits.visit_new, name="visit_new"),
    path("appraisal/", appraisal.my_appraisal, name="appraisal_mine"),
    path("appraisal/<int:line_id>/", appraisal.appraisal_line, name="appraisal_line"),
    path("points/", points.my_points, name="points_mine"),
    path("shop/", points.counter, name="shop_counter"),
    path("shop/card/<str:card_code>/", points.card, name="shop_card"),
    path("training/", training.my_training, name="training_mine"),
    path("training/signin/<str:signin_code>/", training.sign_in, name="training_signin"),
    path("evaluation/", training.my_evaluations, name="evaluation_mine"),
]
