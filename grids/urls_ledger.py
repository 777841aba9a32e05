"""The household ledger: phone pages under m/ledger/ and the Excel import under desk/ledger/
(one include from gridgov/urls.py)."""

from django.urls import path

from grids import views_ledger as v

mobile = [
    path("m/ledger/", v.ledger_list, name="ledger_list"),
    path("m/ledger/new/", v.household_add, name="ledger_household_add"),
    path("m/ledger/<int:household_id>/", v.household_detail, name="ledger_household"),
    path("m/ledger/<int:household_id>/edit/", v.household_edit, name="ledger_household_edit"),
    path("m/ledger/<int:household_id>/residents/new/", v.resident_add, name="ledger_resident_add"),
    path(
        "m/ledger/residents/<int:resident_id>/edit/", v.resident_edit, name="ledger_resident_edit"
    ),
    path(
        "m/ledger/residents/<int:resident_id>/reveal/",
        v.resident_reveal,
        name="ledger_resident_reveal",
    ),
    path("m/ledger/organizations/", v.organization_list, name="ledger_organizations"),
]

desk = [
    path("desk/ledger/import/", v.import_upload, name="ledger_import"),
    path("desk/ledger/import/template.xlsx", v.import_template, name="ledger_import_template"),
    path("desk/ledger/import/confirm/", v.import_confirm, name="ledger_import_confirm"),
    path("desk/ledger/import/cancel/", v.import_cancel, name="ledger_import_cancel"),
]

urlpatterns = mobile + desk
