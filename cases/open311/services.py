"""GET services and GET services/{service_code}: the categories residents may choose on their
report form (Category.public), under the names and groups residents read there. A category's
code is its id: it names a kind of matter, nothing about anyone.

Every service is `realtime` (the report is a case at once and its tracking code is the
service_request_id) and has no attributes (`metadata` false): what a resident says goes in
the description, a photo as media_url. The definition is answered all the same, with no
attributes."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.models import Category
from cases.open311 import door, params, render
from cases.open311.render import Refusal
from gridgov.cleaning import parse_id


def public_categories():
    return Category.objects.filter(public=True).only(
        "pk", "name", "public_name", "public_group", "group"
    )


def public_category(code: str) -> Category:
    """The public category with this service_code; 404 (the spec's error) for any other."""
    if not code:
        raise Refusal(400, _("service_code was not provided."))
    pk = parse_id(code)
    category = public_categories().filter(pk=pk).first() if pk is not None else None
    if category is None:
        raise Refusal(404, _("service_code not found: %(code)s.") % {"code": code[:20]})
    return category


def _service(category: Category, groups: dict) -> dict:
    return {
        "service_code": str(category.pk),
        "service_name": category.name_for_residents,
        "description": None,
        "metadata": False,
        "type": "realtime",
        "keywords": None,
        "group": str(groups.get(category.public_group, category.public_group)),
    }


@door.method("GET")
def service_list(request, fmt):
    door.caller(request, required=False)
    params.jurisdiction(request.GET)
    groups = dict(Category.PublicGroup.choices)
    order = {value: i for i, value in enumerate(Category.PublicGroup.values)}
    categories = sorted(
        public_categories(),
        key=lambda c: (order.get(c.public_group, len(order)), c.name_for_residents, c.pk),
    )
    return render.answer("services", [_service(c, groups) for c in categories], fmt)


@door.method("GET")
def service_definition(request, fmt, service_code: str):
    door.caller(request, required=False)
    params.jurisdiction(request.GET)
    category = public_category(service_code)
    return render.answer(
        "service_definition", {"service_code": str(category.pk), "attributes": []}, fmt
    )
