"""The household ledger on the phone, under /m/."""

from django.urls import path

from grids.mobile import ledger

urlpatterns = [
    path("ledger/", ledger.ledger_list, name="ledger_list"),
    path("ledger/new/", ledger.household_add, name="ledger_household_add"),
    path("ledger/<int:household_id>/", ledger.household_detail, name="ledger_household"),
    path("ledger/<int:household_id>/edit/", ledger.household_edit, name="ledger_household_edit"),
    path(
        "ledger/<int:household_id>/residents/new/",
        ledger.resident_add,
        name="ledger_resident_add",
    ),
    path(
        "ledger/residents/<int:resident_id>/edit/",
        ledger.resident_edit,
        name="ledger_resident_edit",
    ),
    path(
        "ledger/residents/<int:resident_id>/reveal/",
        ledger.resident_reveal,
        name="ledger_resident_reveal",
    ),
    path("ledger/organizations/", ledger.organization_list, name="ledger_organizations"),
]
