"""The service catalog: an edit of an item's texts is a new version and the requests made under
the old one keep it; what an item may be (a town's or village's, owned by a platform of the town
or a county department, promised no slower than the law); the admin scoped like the tree; the
catalog out to .xlsx and back, all or nothing, text never run as a formula."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gridgov.errors import DomainError
from gridgov.xlsx import write_cell
from services import actions, sheets
from services.models import ServiceItem, ServiceItemVersion
from tests.factories import T0
from tests.scope.forms import flat, forms_of
from tests.services.conftest import MATERIALS


def _save(item, **changes):
    v = item.current
    texts = {
        "name": v.name,
        "content": v.content,
        "procedure": v.procedure,
        "basis": v.basis,
        "materials": v.materials,
        "phone": v.phone,
        "statutory_days": v.statutory_days,
        "promised_days": v.promised_days,
        "fee": v.fee,
        "fee_note": v.fee_note,
        "online": v.online,
        "errand": v.errand,
        **changes,
    }
    return actions.service_item_save(
        actor=None,
        item_id=item.pk,
        node_id=item.node_id,
        platform_id=item.platform_id,
        domain=item.domain,
        **texts,
    )


def test_an_edit_writes_a_new_version_and_old_requests_keep_theirs(item, make_request):
    before = make_request("received")
    _save(item, promised_days=3, materials=MATERIALS[:1])
    item.refresh_from_db()
    assert item.current.number == 2
    before.refresh_from_db()
    assert before.version.number == 1 and before.version.promised_days == 5
    assert [m.name for m in before.missing_materials] == []
    assert len(before.version.material_list) == 3
    after = make_request("received", materials=[0])
    assert after.version == item.current and after.missing_materials == []


def test_saving_the_same_texts_writes_no_version(item):
    _save(item)
    assert ServiceItemVersion.objects.filter(item=item).count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"promised_days": 30}, "promised_days"),  # slower than the law's 20
        ({"promised_days": -1}, "promised_days"),
        ({"name": " "}, "name"),
        ({"fee": "NaN"}, "fee"),
        ({"materials": [{"name": "身份证", "form": "scan", "count": 1}]}, "materials"),
        ({"materials": [{"name": "身份证", "form": "copy", "count": 500}]}, "materials"),
    ],
)
def test_an_item_that_cannot_be_is_refused_and_nothing_is_written(item, changes, field):
    with pytest.raises(DomainError) as refused:
        _save(item, **changes)
    assert refused.value.field == field
    assert ServiceItemVersion.objects.filter(item=item).count() == 1


def test_an_item_is_a_towns_or_a_villages_owned_by_its_towns_platform_or_the_county(
    tree, make_item, units
):
    with pytest.raises(DomainError):  # a grid offers no service
        make_item(node=tree.grid_a)
    with pytest.raises(DomainError):  # an outpost is no owner
        make_item(unit=units.land_outpost)
    from cases.models import Unit

    other = Unit.objects.create(name="博望便民服务平台", kind="platform", node=tree.town2)
    with pytest.raises(DomainError):  # another town's platform
        make_item(unit=other)
    assert make_item(unit=units.civil).platform == units.civil  # a county department
    assert make_item(node=tree.village1).code == f"{tree.village1.code}F001"


def test_a_town_admin_may_not_place_an_item_in_another_town(cast, tree, platform):
    with pytest.raises(Exception) as refused:
        actions.service_item_save(
            actor=cast.town1_admin,
            node_id=tree.town2.pk,
            platform_id=platform.pk,
            name="越界",
            content="x",
            promised_days=1,
        )
    assert refused.type.__name__ == "Http404"


# ---------------------------------------------------------------- the admin


def test_a_town_admin_adds_an_item_in_the_admin_with_its_lists_typed_in_lines(
    client, cast, tree, platform
):
    client.force_login(cast.town1_admin)
    url = reverse("admin:services_serviceitem_add")
    page = client.get(url)
    data = flat(
        max(
            (f for f in forms_of(page.content.decode()) if f.method == "post"),
            key=lambda f: len(f.names),
        ).fields
    )
    data.update(
        {
            "node": str(tree.town1.pk),
            "platform": str(platform.pk),
            "domain": "assistance",
            "name": "最低生活保障申请",
            "content": "为家庭人均收入低于当地低保标准的家庭提供保障。",
            "procedure": "1. 申请人提出申请\n2、镇政府入户调查\n（3）县民政局审批",
            "basis": "《社会救助暂行办法》第九条、第十一条\n《陕西省最低生活保障办法》 | 第八条",
            "materials": "居民身份证 | 原件 | 1\n户口簿 | 原件及复印件 | 1份\n收入证明",
            "promised_days": "20",
            "statutory_days": "30",
            "fee": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    item = ServiceItem.objects.get()
    v = item.current
    assert item.code == f"{tree.town1.code}F001"
    assert v.procedure == ["申请人提出申请", "镇政府入户调查", "县民政局审批"]
    assert v.basis == [
        {"document": "《社会救助暂行办法》", "articles": "第九条、第十一条"},
        {"document": "《陕西省最低生活保障办法》", "articles": "第八条"},
    ]
    assert v.materials == [
        {"name": "居民身份证", "form": "original", "count": 1},
        {"name": "户口簿", "form": "both", "count": 1},
        {"name": "收入证明", "form": "original", "count": 1},
    ]
    # Its change form saved as it stands writes no new version.
    change = reverse("admin:services_serviceitem_change", args=[item.pk])
    form = max(
        (f for f in forms_of(client.get(change).content.decode()) if f.method == "post"),
        key=lambda f: len(f.names),
    )
    assert client.post(change, flat(form.fields)).status_code == 302
    assert item.versions.count() == 1


def test_a_wrong_material_line_is_refused_on_its_field(client, cast, tree, platform):
    client.force_login(cast.town1_admin)
    url = reverse("admin:services_serviceitem_add")
    response = client.post(
        url,
        {
            "node": tree.town1.pk,
            "platform": platform.pk,
            "domain": "other",
            "position": 0,
            "active": "on",
            "name": "x",
            "content": "y",
            "materials": "身份证 | 扫描件 | 1",
            "promised_days": 1,
            "fee": 0,
            "versions-TOTAL_FORMS": 0,
            "versions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "materials" in response.context["adminform"].form.errors
    assert not ServiceItem.objects.exists()


# ---------------------------------------------------------------- the spreadsheet


def _exported(client, cast) -> bytes:
    client.force_login(cast.town1_admin)
    response = client.get(reverse("admin:services_serviceitem_export"))
    assert response.status_code == 200
    return response.content


def _import(client, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("admin:services_serviceitem_import"),
        {"upload": SimpleUploadedFile("catalog.xlsx", data)},
    )


def test_the_exported_catalog_reads_back_unchanged(client, cast, item):
    response = _import(client, _exported(client, cast))
    assert response.status_code == 302
    assert ServiceItem.objects.count() == 1 and item.versions.count() == 1


def test_an_edited_row_changes_its_item_and_a_new_row_adds_one(client, cast, tree, item):
    book = load_workbook(io.BytesIO(_exported(client, cast)))
    sheet = book.active
    sheet.cell(row=2, column=12).value = 3  # promised days
    new = [cell.value for cell in sheet[2]]
    new[0] = ""
    sheet.append(new)
    # Text that looks like a formula, as a text cell (what a careful sheet holds).
    write_cell(sheet, 3, 2, '=HYPERLINK("http://x.invalid","残疾人证")')
    out = io.BytesIO()
    book.save(out)
    response = _import(client, out.getvalue())
    assert response.status_code == 302, response.context["problems"]
    item.refresh_from_db()
    assert (item.current.number, item.current.promised_days) == (2, 3)
    added = ServiceItem.objects.exclude(pk=item.pk).get()
    assert added.name.startswith("=HYPERLINK")  # kept as text
    # … and written out as text again, never as a formula.
    again = load_workbook(io.BytesIO(_exported(client, cast))).active
    cell = next(c for c in again["B"] if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s" and cell.quotePrefix


def test_a_sheet_with_one_bad_row_saves_nothing_and_says_which(client, cast, item):
    book = load_workbook(io.BytesIO(_exported(client, cast)))
    sheet = book.active
    row = [cell.value for cell in sheet[2]]
    row[0], row[2] = "", "999999999"  # no such place
    sheet.append(row)
    sheet.cell(row=2, column=12).value = 1
    out = io.BytesIO()
    book.save(out)
    response = _import(client, out.getvalue())
    assert response.status_code == 200
    assert any("2" in p for p in response.context["problems"])
    item.refresh_from_db()
    assert item.versions.count() == 1 and ServiceItem.objects.count() == 1


def test_a_formula_in_an_uploaded_sheet_is_never_run_its_row_is_refused(client, cast, item):
    book = load_workbook(io.BytesIO(_exported(client, cast)))
    sheet = book.active
    sheet.cell(row=2, column=2).value = '=HYPERLINK("http://x.invalid","点我")'  # a formula
    out = io.BytesIO()
    book.save(out)
    response = _import(client, out.getvalue())
    assert response.status_code == 200 and response.context["problems"]
    item.refresh_from_db()
    assert item.name == "高龄补贴申请" and item.versions.count() == 1


@pytest.mark.parametrize("content", [b"not a spreadsheet", b"PK\x03\x04broken"])
def test_a_file_that_is_no_catalog_is_refused_on_the_form(client, cast, item, content):
    client.force_login(cast.town1_admin)
    response = _import(client, content)
    assert response.status_code == 200 and "upload" in response.context["form"].errors


def test_a_sheet_with_other_columns_is_refused(client, cast, item):
    book = Workbook()
    book.active.append(["姓名", "电话"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(sheets.SheetError):
        sheets.read_catalog(out.getvalue())


def test_a_town_admin_cannot_change_another_towns_item_through_the_sheet(
    client, cast, tree, make_item
):
    from cases.models import Unit

    other = Unit.objects.create(name="博望便民服务平台", kind="platform", node=tree.town2)
    theirs = make_item(node=tree.town2, unit=other, name="博望的事项")
    client.force_login(cast.county_admin)
    data = client.get(reverse("admin:services_serviceitem_export")).content
    assert _import(client, data).status_code == 302  # the county admin may
    client.force_login(cast.town1_admin)
    response = _import(client, data)
    assert response.status_code == 200 and response.context["problems"]
    theirs.refresh_from_db()
    assert theirs.versions.count() == 1


def test_t0_is_a_monday_for_the_deadline_arithmetic_here():
    assert T0.weekday() == 0
