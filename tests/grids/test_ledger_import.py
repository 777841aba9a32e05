"""The Excel ledger import: preview names every bad row; confirm imports all rows or none."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from grids import actions
from grids.ledger_xlsx import COLUMNS, read_rows
from grids.models import Household, Resident
from tests.grids.test_ledger import id_number

HEAD = [h for h, _ in COLUMNS]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def row(grid, address, head, name, idn="", phone="13800001234", category="一般户", tags=""):
    return [
        grid,
        address,
        head,
        category,
        2,
        "务农",
        "",
        "群众",
        "",
        "",
        name,
        idn,
        phone,
        "",
        tags,
    ]


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEAD)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_rows(tree, n=3):
    rows = []
    for i in range(n):
        rows.append(
            row(
                tree.grid_a.code,
                f"{i // 2}号",
                f"户主{i // 2}",
                f"人{i}",
                id_number(f"610722198001{i:05d}"),
            )
        )
    return rows


def upload(client, node, data, name="ledger.xlsx"):
    return client.post(
        reverse("ledger_import"), {"node": node.pk, "file": SimpleUploadedFile(name, data)}
    )


def test_the_template_downloads_with_every_column(client, cast):
    client.force_login(cast.staff_town1)
    response = client.get(reverse("ledger_import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    headings = [c.value for c in sheet[1]]
    assert headings[0] == "网格编码" and headings[-1] == "标签" and len(headings) == len(COLUMNS)
    assert read_rows(response.content)[0].head_name == "张三"


def test_a_good_file_previews_then_imports_every_row(client, cast, tree, tmp_path):
    client.force_login(cast.staff_town1)
    preview = upload(client, tree.village1, xlsx(good_rows(tree, 5)))
    assert preview.status_code == 200
    assert preview.context["plan"].rows == 5 and preview.context["households"] == 3
    assert not Household.objects.exists()
    done = client.post(reverse("ledger_import_confirm"))
    assert done.status_code == 200 and 'progress value="5" max="5"' in done.content.decode()
    assert Household.objects.filter(node=tree.grid_a).count() == 3
    assert Resident.objects.count() == 5
    assert list(
        (tree.grid_a.household_set.get(head_name="户主0")).residents.values_list("name", flat=True)
    ) == ["人0", "人1"]
    assert not list((tmp_path / "imports").iterdir())  # the kept file is gone


def test_one_bad_row_imports_nothing_and_names_the_row(client, cast, tree):
    rows = good_rows(tree, 6)
    rows[5][11] = rows[5][11][:17] + ("0" if rows[5][11][17] != "0" else "1")  # sheet row 7
    client.force_login(cast.staff_town1)
    preview = upload(client, tree.village1, xlsx(rows))
    errors = preview.context["plan"].errors
    assert len(errors) == 1 and str(errors[0]).startswith(("Row 7:", "第 7 行"))
    assert "校验码" in str(errors[0])  # "the check digit is wrong"
    assert str(errors[0]) in preview.content.decode()
    assert client.post(reverse("ledger_import_confirm")).status_code == 302  # nothing waiting
    assert not Household.objects.exists() and not Resident.objects.exists()


def test_a_confirm_refused_late_imports_nothing_and_says_why(client, cast, tree):
    client.force_login(cast.staff_town1)
    rows = good_rows(tree, 2)
    upload(client, tree.village1, xlsx(rows))
    actions.ledger_import(actor=None, node_id=tree.grid_a.pk, rows=read_rows(xlsx(rows[:1])))
    response = client.post(reverse("ledger_import_confirm"))
    assert response.status_code == 400 and Resident.objects.count() == 1
    assert "Row 2" in response.content.decode() or "第 2 行" in response.content.decode()


def test_the_row_cap_is_enforced(client, cast, tree, monkeypatch):
    import grids.ledger_xlsx as lx

    monkeypatch.setattr(lx, "MAX_ROWS", 2)
    client.force_login(cast.staff_town1)
    response = upload(client, tree.village1, xlsx(good_rows(tree, 3)))
    assert response.context["form"].errors["file"] and not Household.objects.exists()


def test_the_action_refuses_the_whole_file_for_one_bad_row(cast, tree):
    rows = good_rows(tree, 4)
    rows[2][0] = tree.grid_c.code  # another town's grid
    with pytest.raises(actions.LedgerImportError) as exc:
        actions.ledger_import(
            actor=cast.staff_town1, node_id=tree.town1.pk, rows=read_rows(xlsx(rows))
        )
    assert len(exc.value.messages) == 1 and "4" in exc.value.messages[0]
    assert not Household.objects.exists()


def test_a_text_file_renamed_xlsx_is_refused(client, cast, tree):
    client.force_login(cast.staff_town1)
    response = upload(client, tree.village1, "网格编码,门牌地址\n1,2\n".encode())
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert client.post(reverse("ledger_import_confirm")).status_code == 302
    assert not Household.objects.exists()


def test_a_file_too_large_is_refused(client, cast, tree, settings):
    import grids.ledger_xlsx as lx

    client.force_login(cast.staff_town1)
    big = b"PK" + b"0" * (lx.MAX_BYTES + 1)
    response = upload(client, tree.village1, big)
    assert response.context["form"].errors["file"]


def test_the_kept_file_belongs_to_the_session_not_a_form_field(client, cast, tree):
    client.force_login(cast.staff_town1)
    upload(client, tree.village1, xlsx(good_rows(tree, 2)))
    client.force_login(cast.town1_admin)  # a new session: nothing waiting for them
    assert client.post(reverse("ledger_import_confirm")).status_code == 302
    assert not Household.objects.exists()


def test_staff_cannot_import_outside_their_town(client, cast, tree):
    client.force_login(cast.staff_town2)
    response = upload(client, tree.village1, xlsx(good_rows(tree, 2)))
    assert response.context["form"].errors["node"]
    response = upload(client, tree.village2, xlsx(good_rows(tree, 2)))
    assert response.context["plan"].errors  # grid A is not in village 2


@pytest.mark.parametrize("who", ["worker_a", "informant_a", "village_chief"])
def test_the_import_is_a_desk_page(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("ledger_import")).status_code == 403


def test_a_household_already_in_the_ledger_is_a_row_error(cast, tree):
    rows = good_rows(tree, 1)
    actions.ledger_import(
        actor=cast.staff_town1, node_id=tree.grid_a.pk, rows=read_rows(xlsx(rows))
    )
    with pytest.raises(actions.LedgerImportError):
        actions.ledger_import(
            actor=cast.staff_town1, node_id=tree.grid_a.pk, rows=read_rows(xlsx(rows))
        )
    assert Household.objects.count() == 1
