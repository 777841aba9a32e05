"""Every registered ModelAdmin and inline, as a town admin (and as a county admin against a
second county): each foreign key of each add and change form, pointed outside the person's
scope, is refused (a form error, 403 or 404) and nothing is written."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse

from gridgov.admin_site import ScopedForms, ScopedModelAdmin, site
from tests.scope.forms import flat, forms_of
from tests.scope.world import ADMIN_OBJECTS

# Django's own records of failed logins: left on Django's permissions, which only superusers
# hold here (no one is given model permissions: gridgov decides by assignments).
DJANGO_PERMISSIONS_ONLY = {"axes.accessattempt", "axes.accessfailurelog", "axes.accesslog"}
ADMINS = sorted(
    (label, model_admin)
    for model, model_admin in site._registry.items()
    if (label := model._meta.label_lower) not in DJANGO_PERMISSIONS_ONLY
)
IGNORED_COUNTS = {"sessions.session", "admin.logentry"}


def test_every_admin_and_inline_scopes_its_foreign_keys():
    for label, model_admin in ADMINS:
        assert isinstance(model_admin, ScopedModelAdmin), f"{label}: not a ScopedModelAdmin"
        for inline in model_admin.inlines:
            assert issubclass(inline, ScopedForms), f"{label}: inline {inline.__name__}"


def _outside(who: str, cast, tree, world) -> dict[str, list]:
    """Per model, rows outside `who`'s scope that a form must not accept."""
    if who == "county_admin":
        far = world.far_grid
        return {
            "grids.gridnode": [far.grid, far.grid.parent],
            "auth.user": [far.member],
            "cases.unit": [far.unit, far.county_unit],
            "cases.case": [far.case],
            "grids.household": [far.household],
            "grids.resident": [far.resident],
            "gridgov.outboxmessage": [far.message],
            "gridgov.webhookendpoint": [far.webhook],
        }
    other = world.grid_c
    return {
        "grids.gridnode": [tree.grid_c, tree.town2, tree.county, world.far_grid.grid],
        "auth.user": [cast.county_admin, cast.staff_town2, cast.staff_town1, other.member],
        "cases.unit": [other.unit, world.far_grid.county_unit],
        "cases.case": [other.case],
        "grids.household": [other.household],
        "grids.resident": [other.resident],
        "gridgov.outboxmessage": [other.message],
        "gridgov.webhookendpoint": [other.webhook],
    }


def _counts() -> dict[str, int]:
    return {
        m._meta.label_lower: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label_lower not in IGNORED_COUNTS
    }


def _foreign_keys(form_class) -> dict[str, str]:
    return {
        name: field.queryset.model._meta.label_lower
        for name, field in form_class.base_fields.items()
        if isinstance(field, ModelChoiceField | ModelMultipleChoiceField)
    }


def _main_form(response):
    found = [f for f in forms_of(response.content.decode()) if f.method == "post"]
    return max(found, key=lambda f: len(f.names))


def _refused(response, field: str, inline: tuple[str, int] | None = None) -> bool:
    """Refused as a whole (403/404), or the form shows an error on that very field (for an
    inline row, on that row)."""
    if response.status_code in (403, 404):
        return True
    if response.status_code != 200 or response.context is None:
        return False
    if inline is None:
        return field in response.context["adminform"].form.errors
    prefix, index = inline
    for inline_formset in response.context["inline_admin_formsets"]:
        if inline_formset.formset.prefix == prefix:
            errors = inline_formset.formset.forms[index].errors
            return field in errors or "__all__" in errors
    return False


@pytest.mark.parametrize("who", ["town1_admin", "county_admin"])
@pytest.mark.parametrize(("label", "model_admin"), ADMINS, ids=[a[0] for a in ADMINS])
def test_foreign_keys_outside_the_scope_are_refused_and_nothing_is_written(
    client, db, kept_world, who, label, model_admin
):
    cast, tree, world, shared = (
        kept_world.cast,
        kept_world.tree,
        kept_world.world,
        kept_world.shared,
    )
    user = getattr(cast, who)
    client.force_login(user)
    outside = _outside(who, cast, tree, world)
    request = RequestFactory().get("/")
    request.user = user
    opts = model_admin.model._meta
    tried = 0

    # Add: the blank form, each foreign key pointed outside.
    add_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    page = client.get(add_url)
    if page.status_code == 200:
        data = _main_form(page).fields
        for name, target in _foreign_keys(model_admin.get_form(request, None)).items():
            for row in outside.get(target, []):
                before = _counts()
                response = client.post(add_url, flat({**data, name: [str(row.pk)]}))
                tried += 1
                assert _refused(response, name), f"add {label}.{name}={row}: {response.status_code}"
                assert _counts() == before, f"add {label}.{name}={row} wrote something"
    else:
        assert page.status_code == 403, page.status_code

    # Change: the inside object's own form (which saves as it is), each key pointed outside.
    inside = (
        getattr(world.grid_a, ADMIN_OBJECTS[label]) if label in ADMIN_OBJECTS else shared[label]
    )
    change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[inside.pk])
    page = client.get(change_url)
    assert page.status_code in (200, 403), page.status_code
    if page.status_code != 200 or not model_admin.has_change_permission(request, inside):
        return
    form = _main_form(page)
    data = form.fields
    keys = _foreign_keys(model_admin.get_form(request, inside))
    snapshot = model_to_dict(type(inside)._default_manager.get(pk=inside.pk))
    for name, target in keys.items():
        if name not in form.names:
            continue  # read-only here
        for row in outside.get(target, []):
            before = _counts()
            response = client.post(change_url, flat({**data, name: [str(row.pk)]}))
            tried += 1
            assert _refused(response, name), f"change {label}.{name}={row}: {response.status_code}"
            assert _counts() == before
            fresh = model_to_dict(type(inside)._default_manager.get(pk=inside.pk))
            assert fresh == snapshot, f"change {label}.{name}={row} changed the object"

    # Inlines: a new row copied from an existing one, each key pointed outside.
    for inline in model_admin.get_inline_instances(request, inside):
        formset = inline.get_formset(request, inside)
        prefix = formset.get_default_prefix()
        total = int((data.get(f"{prefix}-TOTAL_FORMS") or ["0"])[0])
        existing = {k: v for k, v in data.items() if k.startswith(f"{prefix}-0-")}
        if not total or not existing or not inline.has_add_permission(request, inside):
            continue
        for name, target in _foreign_keys(formset.form).items():
            if f"{prefix}-0-{name}" not in form.names:
                continue  # the key to the page's own object
            for row in outside.get(target, []):
                new = {
                    k.replace(f"{prefix}-0-", f"{prefix}-{total}-"): v for k, v in existing.items()
                }
                new.pop(f"{prefix}-{total}-id", None)
                new[f"{prefix}-{total}-{name}"] = [str(row.pk)]
                new[f"{prefix}-{total}-note"] = ["sweep"]
                before = _counts()
                response = client.post(
                    change_url, flat({**data, **new, f"{prefix}-TOTAL_FORMS": [str(total + 1)]})
                )
                tried += 1
                assert _refused(response, name, (prefix, total)), f"inline {prefix}.{name}={row}"
                assert _counts() == before, f"inline {prefix}.{name}={row} wrote something"

    # The change form as it stands saves: the refusals above are about the keys, not the data.
    if keys and any(name in form.names for name in keys):
        response = client.post(change_url, flat(data))
        assert response.status_code == 302, f"{label}: the unchanged form did not save"
    print(f"{label} as {who}: {tried} refused posts")
