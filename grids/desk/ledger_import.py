"""The Excel import of the household ledger (/desk/ledger/import/) for town staff and admins:
upload, a preview that names every bad row, then all rows or none."""

from __future__ import annotations

import contextlib
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grids import actions, ledger_xlsx, queries
from grids.forms import (
    LedgerUploadForm,
)
from staff import access

_SESSION_KEY = "ledger_import"


def _import_nodes(user):
    return queries.ledger_nodes(user, "household.change", tiers=("village", "grid", "micro_grid"))


def _import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def purge_unconfirmed(now: float | None = None) -> int:
    """Delete the files kept for a confirm that never came (their person logged out, or their
    session ended): each holds a ledger's full ID numbers, outside the logged reveals. A file
    older than a session can no longer be confirmed by anyone. Returns how many went."""
    oldest = (now if now is not None else time.time()) - settings.SESSION_COOKIE_AGE
    gone = 0
    for path in _import_dir().glob("*.xlsx"):
        with contextlib.suppress(FileNotFoundError):  # confirmed or cancelled meanwhile
            if path.stat().st_mtime < oldest:
                path.unlink()
                gone += 1
    return gone


def _pending(request):
    """The file kept between preview and confirm: named in this user's session, never in a form."""
    pending = request.session.get(_SESSION_KEY)
    if not pending or pending.get("user_id") != request.user.pk:
        return None
    path = _import_dir() / f"{pending['token']}.xlsx"
    if not path.exists():
        return None
    return pending, path


def _drop_pending(request) -> None:
    found = _pending(request)
    if found:
        found[1].unlink(missing_ok=True)
    request.session.pop(_SESSION_KEY, None)


@access.door_required("desk", "household.change")
def import_template(request):
    response = HttpResponse(
        ledger_xlsx.template_bytes(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="ledger-template.xlsx"'
    return response


@access.door_required("desk", "household.change")
def import_upload(request):
    """Upload → check every row without writing → the preview with each bad row named."""
    form = LedgerUploadForm(
        request.POST or None, request.FILES or None, nodes=_import_nodes(request.user)
    )
    context = {
        "form": form,
        "max_mb": ledger_xlsx.MAX_BYTES // 1024 // 1024,
        "max_rows": ledger_xlsx.MAX_ROWS,
    }
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        node = form.cleaned_data["node"]
        if upload.size > ledger_xlsx.MAX_BYTES:
            form.add_error(
                "file",
                _("The file is larger than %(mb)d MB; split it.") % {"mb": context["max_mb"]},
            )
        else:
            data = upload.read()
            try:
                rows = ledger_xlsx.read_rows(data)
            except ledger_xlsx.LedgerFileError as exc:
                form.add_error("file", str(exc))
            else:
                plan = actions.ledger_check(actor=request.user, node=node, rows=rows)
                _drop_pending(request)
                if plan.rows and not plan.errors:  # only a good file waits for the confirm
                    token = secrets.token_hex(16)
                    (_import_dir() / f"{token}.xlsx").write_bytes(data)
                    request.session[_SESSION_KEY] = {
                        "token": token,
                        "user_id": request.user.pk,
                        "node_id": node.pk,
                    }
                context.update(plan=plan, node=node, households=len(plan.households))
                return render(request, "grids/ledger/import_preview.html", context)
    return render(request, "grids/ledger/import.html", context)


@access.door_required("desk", "household.change")
@require_POST
def import_confirm(request):
    """All or nothing: the kept file is read again and imported in one transaction."""
    found = _pending(request)
    if found is None:
        messages.error(request, _("Upload the file again: nothing is waiting to be imported."))
        return redirect("ledger_import")
    pending, path = found
    node = get_object_or_404(_import_nodes(request.user), pk=pending["node_id"])
    try:
        rows = ledger_xlsx.read_rows(path.read_bytes())
        plan = actions.ledger_import(actor=request.user, node_id=node.pk, rows=rows)
    except (ledger_xlsx.LedgerFileError, ValidationError) as exc:
        errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        _drop_pending(request)  # the rows changed under us (e.g. someone imported them): start over
        return render(
            request, "grids/ledger/import_done.html", {"errors": errors, "node": node}, status=400
        )
    _drop_pending(request)
    return render(
        request,
        "grids/ledger/import_done.html",
        {"plan": plan, "node": node, "households": len(plan.households)},
    )


@access.door_required("desk", "household.change")
@require_POST
def import_cancel(request):
    _drop_pending(request)
    return redirect("ledger_import")
