"""The desk's front page, at /desk/, and the pages of people and points: the monthly appraisal
and pay, points, the village points shops, terms and exits, training and the two-way
evaluation, linked cadres' patrols and the appraisal of departments."""

from django.urls import path

from staff.desk import appraisal, cadres, evaluation, home, points, shop, terms, training

urlpatterns = [
    path("", home.desk_home, name="desk_home"),
    path("appraisal/", appraisal.appraisal_page, name="appraisal"),
    path("appraisal/<int:node_id>/", appraisal.appraisal_page, name="appraisal_node"),
    path("appraisal/<int:node_id>/pay.xlsx", appraisal.pay_sheet, name="appraisal_pay"),
    path("points/", points.points_page, name="points"),
    path("points/<int:node_id>/", points.points_page, name="points_node"),
    path("points/<int:node_id>/published/", points.publication_page, name="points_publication"),
    path("points/cards/<int:account_id>/", points.account_page, name="points_account"),
    path("copatrol/", cadres.copatrol_page, name="copatrol"),
    path("copatrol/<int:node_id>/", cadres.copatrol_page, name="copatrol_node"),
    path("departments/", cadres.ranking_page, name="departments"),
    path("departments/<int:node_id>/", cadres.ranking_page, name="departments_node"),
    path("outposts/", cadres.outposts_page, name="outposts"),
    path("outposts/<int:node_id>/", cadres.outposts_page, name="outposts_node"),
    path("shop/", shop.shop_page, name="shop"),
    path("shop/<int:node_id>/", shop.shop_page, name="shop_node"),
    path("shop/<int:node_id>/stocktake/", shop.stock_take_page, name="shop_stocktake"),
    path("shop/<int:node_id>/stocktake.xlsx", shop.stock_take_sheet, name="shop_stocktake_sheet"),
    path("terms/", terms.terms_page, name="desk_terms"),
    path("terms/<int:node_id>/", terms.terms_page, name="desk_terms_node"),
    path("exit/<int:assignment_id>/", terms.exit_page, name="desk_exit"),
    path("training/", training.training_page, name="training"),
    path("training/<int:node_id>/", training.training_page, name="training_node"),
    path("training/sessions/<int:session_id>/", training.session_page, name="training_session"),
    path("evaluation/", evaluation.evaluation_page, name="evaluation"),
    path("evaluation/<int:node_id>/", evaluation.evaluation_page, name="evaluation_node"),
]
