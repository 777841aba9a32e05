from django.urls import path

from cases.api import actions, calls, cases, hotline, kpis, reference

urlpatterns = [
    path("categories/", reference.CategoryList.as_view(), name="category_list"),
    path("responsibilities/", reference.ResponsibilityList.as_view(), name="responsibility_list"),
    path("units/", reference.UnitList.as_view(), name="unit_list"),
    path("cases/", cases.CaseList.as_view(), name="case_list"),
    path("cases/<int:case_id>/", cases.CaseDetail.as_view(), name="case_detail"),
    path(
        "cases/<int:case_id>/actions/<str:action>/",
        actions.CaseActionView.as_view(),
        name="case_action",
    ),
    path("calls/", calls.CallList.as_view(), name="call_list"),
    path(
        "calls/<int:call_id>/actions/<str:action>/",
        calls.CallActionView.as_view(),
        name="call_action",
    ),
    path("kpis/", kpis.KpiView.as_view(), name="kpis"),
    path("hotline/orders/", hotline.HotlineOrders.as_view(), name="hotline_orders"),
    path("hotline/events/", hotline.HotlineEvents.as_view(), name="hotline_events"),
]
