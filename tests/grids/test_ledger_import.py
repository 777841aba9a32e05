"""The Excel ledger import: preview names every bad row; confirm imports all rows or none."""

import html
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from grids import actions
from grids.ledger_xlsx import COLUMNS, LedgerFileError, read_rows
from grids.models import Household, Resident
from tests.factories import good_ledger_rows, id_number, ledger_row, ledger_xlsx

HEAD = [h for h, _ in COLUMNS]


pytestmark = pytest.mark.usefixtures("media")


def rewrite(data: bytes, name: str, change) -> bytes:
    """The same .xlsx with one member's bytes changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info, change(body) if info.filename == name else body)
    return out.getvalue()


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
    preview = upload(client, tree.village1, ledger_xlsx(good_ledger_rows(tree, 5)))
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
    rows = good_ledger_rows(tree, 6)
    rows[5][11] = rows[5][11][:17] + ("0" if rows[5][11][17] != "0" else "1")  # sheet row 7
    client.force_login(cast.staff_town1)
    preview = upload(client, tree.village1, ledger_xlsx(rows))
    errors = preview.context["plan"].errors
    assert [str(e) for e in errors] == ["第 7 行：身份证号校验码错误"]  # the check digit is wrong
    assert str(errors[0]) in preview.content.decode()
    assert client.post(reverse("ledger_import_confirm")).status_code == 302  # nothing waiting
    assert not Household.objects.exists() and not Resident.objects.exists()


def test_a_confirm_refused_late_imports_nothing_and_says_why(client, cast, tree):
    client.force_login(cast.staff_town1)
    rows = good_ledger_rows(tree, 2)
    upload(client, tree.village1, ledger_xlsx(rows))
    actions.ledger_import(actor=None, node_id=tree.grid_a.pk, rows=read_rows(ledger_xlsx(rows[:1])))
    response = client.post(reverse("ledger_import_confirm"))
    assert response.status_code == 400 and Resident.objects.count() == 1
    assert "第 2 行：该身份证号已在梁家庵村第一网格的台账中" in response.content.decode()


def test_the_row_cap_is_enforced(client, cast, tree, monkeypatch):
    import grids.ledger_xlsx as lx

    monkeypatch.setattr(lx, "MAX_ROWS", 2)
    client.force_login(cast.staff_town1)
    response = upload(client, tree.village1, ledger_xlsx(good_ledger_rows(tree, 3)))
    assert response.context["form"].errors["file"] and not Household.objects.exists()


def test_the_action_refuses_the_whole_file_for_one_bad_row(cast, tree):
    rows = good_ledger_rows(tree, 4)
    rows[2][0] = tree.grid_c.code  # another town's grid
    with pytest.raises(actions.LedgerImportError) as exc:
        actions.ledger_import(
            actor=cast.staff_town1, node_id=tree.town1.pk, rows=read_rows(ledger_xlsx(rows))
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
    upload(client, tree.village1, ledger_xlsx(good_ledger_rows(tree, 2)))
    client.force_login(cast.town1_admin)  # a new session: nothing waiting for them
    assert client.post(reverse("ledger_import_confirm")).status_code == 302
    assert not Household.objects.exists()


def test_staff_cannot_import_outside_their_town(client, cast, tree):
    client.force_login(cast.staff_town2)
    response = upload(client, tree.village1, ledger_xlsx(good_ledger_rows(tree, 2)))
    assert response.context["form"].errors["node"]
    response = upload(client, tree.village2, ledger_xlsx(good_ledger_rows(tree, 2)))
    assert response.context["plan"].errors  # grid A is not in village 2


@pytest.mark.parametrize("who", ["worker_a", "informant_a", "village_chief"])
def test_the_import_is_a_desk_page(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("ledger_import")).status_code == 403


def test_a_household_already_in_the_ledger_is_a_row_error(cast, tree):
    rows = good_ledger_rows(tree, 1)
    actions.ledger_import(
        actor=cast.staff_town1, node_id=tree.grid_a.pk, rows=read_rows(ledger_xlsx(rows))
    )
    with pytest.raises(actions.LedgerImportError):
        actions.ledger_import(
            actor=cast.staff_town1, node_id=tree.grid_a.pk, rows=read_rows(ledger_xlsx(rows))
        )
    assert Household.objects.count() == 1


# ---------------------------------------------------------------- files built to hurt the reader

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def handmade(sheet_xml, strings=None, level=zipfile.ZIP_DEFLATED) -> bytes:
    """An .xlsx written the way Excel writes one (relative targets, shared strings)."""
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"/>',
        "_rels/.rels": f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
        '<sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", level) as book:
        for name, text in parts.items():
            book.writestr(name, text)
        if callable(strings):
            with book.open("xl/sharedStrings.xml", "w") as stream:
                strings(stream)
        elif strings is not None:
            items = "".join(f"<si><t>{s}</t></si>" for s in strings)
            book.writestr("xl/sharedStrings.xml", f'<sst xmlns="{_MAIN}">{items}</sst>')
    return out.getvalue()


def sheet(rows_xml, dimension=None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{_MAIN}">{dim}<sheetData>{rows_xml}</sheetData></worksheet>'


def header_xml() -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in HEAD)
    return f'<row r="1">{cells}</row>'


def message(data) -> str:
    with translation.override("en"), pytest.raises(LedgerFileError) as exc:
        read_rows(data)
    return str(exc.value)


@pytest.fixture
def yielded(monkeypatch):
    """How many rows the sheet reader handed out before read_rows stopped."""
    import grids.ledger_xlsx as lx

    count = {"rows": 0}
    original = lx._sheet_rows

    def counting(*args, **kwargs):
        for item in original(*args, **kwargs):
            count["rows"] += 1
            yield item

    monkeypatch.setattr(lx, "_sheet_rows", counting)
    return count


@pytest.fixture
def opened(monkeypatch):
    """The members of the zip that were opened for reading."""
    names = []
    original = zipfile.ZipFile.open

    def recording(self, name, mode="r", *args, **kwargs):
        if mode == "r":
            names.append(getattr(name, "filename", name))
        return original(self, name, mode, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recording)
    return names


def test_a_sheet_declaring_a_million_rows_is_refused_before_any_row_is_read(tree, yielded):
    data = ledger_xlsx(good_ledger_rows(tree, 2))
    data = rewrite(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
    )
    assert len(data) < 10_000
    text = message(data)
    assert "1048576" in text and "20000" in text
    assert yielded["rows"] == 0


def test_a_sheet_declaring_too_many_columns_is_refused(tree):
    data = handmade(sheet(header_xml(), dimension="A1:ZZ3"))
    assert "columns" in message(data)


def test_a_zip_bomb_in_the_shared_strings_is_refused_before_it_is_unpacked(opened):
    def bomb(stream):
        chunk = b"a" * (1 << 20)
        stream.write(f'<sst xmlns="{_MAIN}"><si><t>'.encode())
        for _i in range(400):
            stream.write(chunk)
        stream.write(b"</t></si></sst>")

    data = handmade(sheet(header_xml()), strings=bomb)
    assert len(data) < 1024 * 1024
    assert "MB" in message(data)
    assert opened == []  # refused from the zip's directory alone


def test_a_member_packed_absurdly_tightly_is_refused(opened):
    def dense(stream):
        stream.write(f'<sst xmlns="{_MAIN}"><si><t>'.encode())
        stream.write(b"a" * (4 << 20))
        stream.write(b"</t></si></sst>")

    data = handmade(sheet(header_xml()), strings=dense)
    assert "unusual" in message(data)
    assert opened == []


def test_a_sheet_of_blank_rows_without_a_dimension_stops_at_the_row_limit(monkeypatch, yielded):
    import grids.ledger_xlsx as lx

    monkeypatch.setattr(lx, "MAX_ROWS", 50)
    data = handmade(sheet(header_xml() + "<row/>" * 100_000))
    text = message(data)
    assert "50" in text and "row" in text
    assert yielded["rows"] <= 50 + 1 + lx.BLANK_ROWS + 1


def test_a_jump_to_the_last_row_of_the_sheet_stops_at_once(yielded):
    data = handmade(sheet(header_xml() + '<row r="1048576"><c><v>1</v></c></row>'))
    assert "1048576" in message(data)
    assert yielded["rows"] == 2


def test_a_row_of_endless_cells_is_refused():
    data = handmade(sheet(header_xml() + '<row r="2">' + "<c/>" * 100_000 + "</row>"))
    assert "columns" in message(data)


@pytest.mark.parametrize(
    "broken",
    [
        "<worksheet><sheetData><row><c><v>1</row></sheetData></worksheet>",
        "<worksheet><sheetData><row r='x'/></sheetData></worksheet>",
        '<!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet>&a;</worksheet>',
        "",
    ],
)
def test_a_damaged_sheet_is_a_clear_file_error(broken):
    assert message(handmade(broken))


def test_a_shared_string_index_out_of_range_is_a_file_error():
    data = handmade(sheet(header_xml() + '<row r="2"><c t="s"><v>7</v></c></row>'), ["a"])
    assert "Excel" in message(data)


def test_a_superscript_in_the_members_cell_names_the_row(cast, tree):
    rows = good_ledger_rows(tree, 2)
    rows[1][4] = "²"  # text cell, sheet row 3
    with translation.override("en"):
        plan = actions.ledger_check(
            actor=cast.staff_town1, node=tree.village1, rows=read_rows(ledger_xlsx(rows))
        )
    assert [str(e) for e in plan.errors] == [
        "Row 3: the number of members must be a whole number from 1 to 99"
    ]


def test_junk_in_a_number_cell_is_a_row_error_not_a_crash(cast, tree):
    cells = "".join(
        f'<c t="inlineStr"><is><t>{v}</t></is></c>' if i != 4 else '<c t="n"><v>²</v></c>'
        for i, v in enumerate(ledger_row(tree.grid_a.code, "1号", "户主", "人"))
    )
    data = handmade(sheet(header_xml() + f'<row r="2">{cells}</row>'))
    with translation.override("en"):
        plan = actions.ledger_check(actor=None, node=tree.village1, rows=read_rows(data))
    assert len(plan.errors) == 1 and str(plan.errors[0]).startswith("Row 2: the number of")


def test_shared_strings_formulas_and_numbers_read_as_their_values(tree):
    strings = [*HEAD, tree.grid_a.code, "1号", "户主", "=HYPERLINK(1)", "a&#13;&#10;b&#13;c"]
    heads = "".join(f'<c t="s"><v>{i}</v></c>' for i in range(len(HEAD)))
    data_row = (
        f'<c r="A2" t="s"><v>{len(HEAD)}</v></c><c r="B2" t="s"><v>{len(HEAD) + 1}</v></c>'
        f'<c r="C2" t="s"><v>{len(HEAD) + 2}</v></c><c r="E2"><f>1+1</f><v>2</v></c>'
        f'<c r="F2" t="s"><v>{len(HEAD) + 3}</v></c><c r="K2" t="s"><v>{len(HEAD) + 4}</v></c>'
        '<c r="M2" t="n"><v>13800001234</v></c>'
        f'<c r="N2" t="inlineStr"><is><t>{"长" * 5000}</t></is></c>'
    )
    xml = sheet(f'<row r="1">{heads}</row><row r="2">{data_row}</row>')
    [got] = read_rows(handmade(xml, strings))
    assert (got.grid_code, got.address, got.members) == (tree.grid_a.code, "1号", "2")
    assert got.family_situation == "=HYPERLINK(1)"  # text, never a formula
    assert got.name == "a\nb\nc" and got.phone == "13800001234"
    assert got.relation == "长" * 1000


def test_a_refused_file_is_a_form_error_on_the_upload_page(client, cast, tree):
    data = handmade(sheet(header_xml(), dimension="A1:XFD1048576"))
    client.force_login(cast.staff_town1)
    response = upload(client, tree.village1, data)
    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    with pytest.raises(LedgerFileError) as exc:
        read_rows(data)
    assert error == str(exc.value) and html.escape(error) in response.content.decode()
    assert client.post(reverse("ledger_import_confirm")).status_code == 302  # nothing kept


# ---------------------------------------------------------------- ID numbers already in the ledger


def resident_with(node, idn):
    h = actions.household_create(actor=None, node_id=node.pk, address="老1号", head_name="老户")
    actions.resident_create(actor=None, household_id=h.pk, name="老户", id_number=idn)


def test_an_id_number_already_in_the_ledger_is_a_row_error_naming_its_grid(cast, tree):
    rows = good_ledger_rows(tree, 3)
    resident_with(tree.grid_b, rows[1][11])
    with translation.override("en"):
        plan = actions.ledger_check(
            actor=cast.staff_town1, node=tree.village1, rows=read_rows(ledger_xlsx(rows))
        )
    assert [str(e) for e in plan.errors] == [
        f"Row 3: the ID number is already in the ledger of {tree.grid_b.name}"
    ]


def test_an_id_number_held_in_another_town_is_refused_without_naming_where(cast, tree):
    rows = good_ledger_rows(tree, 2)
    resident_with(tree.grid_c, rows[0][11])
    with pytest.raises(actions.LedgerImportError) as exc, translation.override("en"):
        actions.ledger_import(
            actor=cast.staff_town1, node_id=tree.village1.pk, rows=read_rows(ledger_xlsx(rows))
        )
    assert exc.value.messages == ["Row 2: the ID number is already registered elsewhere"]
    assert not Household.objects.filter(node=tree.grid_a).exists()


def test_the_id_numbers_of_all_rows_are_checked_in_one_query(cast, tree):
    def queries_for(n):
        rows = read_rows(ledger_xlsx(good_ledger_rows(tree, n)))
        with CaptureQueriesContext(connection) as captured:
            plan = actions.ledger_check(actor=None, node=tree.village1, rows=rows)
        return len(captured), plan

    few, _plan = queries_for(2)
    for i in range(30):
        resident_with(tree.grid_c, id_number(f"610722198001{i:05d}"))
    many, plan = queries_for(30)
    assert many == few and len(plan.errors) == 30


def test_an_id_number_taken_between_the_check_and_the_insert_refuses_the_whole_file(
    cast, tree, monkeypatch
):
    rows = good_ledger_rows(tree, 2)
    checked = actions.ledger_check(
        actor=None, node=tree.village1, rows=read_rows(ledger_xlsx(rows))
    )
    resident_with(tree.grid_b, rows[0][11])  # another import, a moment later
    monkeypatch.setattr(actions, "ledger_check", lambda **kwargs: checked)
    with pytest.raises(actions.LedgerImportError):
        actions.ledger_import(
            actor=cast.staff_town1, node_id=tree.village1.pk, rows=read_rows(ledger_xlsx(rows))
        )
    assert Resident.objects.filter(id_number=rows[0][11]).count() == 1
    assert not Household.objects.filter(node=tree.grid_a).exists()


def test_the_database_keeps_one_record_per_id_number(tree):
    from django.db import IntegrityError, transaction

    h = actions.household_create(actor=None, node_id=tree.grid_a.pk, address="1号", head_name="甲")
    Resident.objects.create(household=h, name="甲", id_number=id_number("61072219800101123"))
    Resident.objects.create(household=h, name="乙", id_number="")
    Resident.objects.create(household=h, name="丙", id_number="")  # blank is not a number
    with pytest.raises(IntegrityError), transaction.atomic():
        Resident.objects.create(household=h, name="丁", id_number=id_number("61072219800101123"))


def test_a_preview_never_confirmed_is_deleted_once_no_session_could_confirm_it(
    client, cast, tree, tmp_path, settings
):
    # The kept file holds the ledger's full ID numbers: beat deletes it once it is older than
    # a session, since only its person's session could still confirm it.
    import time

    from gridgov.schedule import BEAT_SCHEDULE
    from grids.desk.ledger_import import purge_unconfirmed
    from grids.tasks import purge_unconfirmed_imports

    assert BEAT_SCHEDULE["purge-unconfirmed-imports"]["task"] == purge_unconfirmed_imports.name
    client.force_login(cast.staff_town1)
    assert upload(client, tree.village1, ledger_xlsx(good_ledger_rows(tree, 3))).status_code == 200
    client.logout()
    kept = list((tmp_path / "imports").glob("*.xlsx"))
    assert len(kept) == 1
    assert purge_unconfirmed() == 0  # within a session's time it may still be confirmed
    later = time.time() + settings.SESSION_COOKIE_AGE + 60
    assert purge_unconfirmed(now=later) == 1
    assert not kept[0].exists()
