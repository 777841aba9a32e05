"""The tree, the bulletins to print and the ledger import on the desk, under /desk/."""

from django.urls import path

from grids.desk import bulletins, ledger_import, tree

urlpatterns = [
    path("tree/", tree.node_list, name="node_list"),
    path("tree/<int:node_id>/", tree.node_detail, name="node_detail"),
    path("tree/<int:node_id>/edit/", tree.node_edit, name="node_edit"),
    path("bulletins/", bulletins.print_bulletins, name="desk_bulletins"),
    path("ledger/import/", ledger_import.import_upload, name="ledger_import"),
    path(
        "ledger/import/template.xlsx",
        ledger_import.import_template,
        name="ledger_import_template",
    ),
    path("ledger/import/confirm/", ledger_import.import_confirm, name="ledger_import_confirm"),
    path("ledger/import/cancel/", ledger_import.import_cancel, name="ledger_import_cancel"),
]
