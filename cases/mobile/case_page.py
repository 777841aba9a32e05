"""The case page on the phone (/m/cases/), for field workers who may see the case."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from cases.pages import act, case_context, find_case


@login_required
@require_GET
def case_mobile(request, case_id: int):
    case = find_case(request, case_id)
    return render(request, "cases/case/mobile.html", case_context(request, case))


@login_required
@require_POST
def case_act_mobile(request, case_id: int):
    return act(request, case_id, mobile=True)
