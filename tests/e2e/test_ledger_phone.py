"""The household ledger on a real phone: list, household page, add a resident, reveal with a reason."""

from grids.models import RevealLog
from tests.e2e.conftest import login, overflowing, url
from tests.factories import (
    FULL_ID,
    PASSWORD,
    PHONE,
    good_ledger_rows,
    id_number,
    key_household,
    ledger_xlsx,
)


def test_a_worker_keeps_the_ledger_from_the_phone(
    phone, live_server, cast, tree, offsite_requests, screenshot
):
    h = key_household(tree.grid_a)
    login(phone, live_server, "worker_a", PASSWORD)
    phone.goto(url(live_server, "/m/ledger/"))
    screenshot(phone, "list")
    assert overflowing(phone) == []
    phone.click("text=张三")
    phone.wait_for_load_state()
    assert FULL_ID not in phone.content() and "138****5678" in phone.inner_text("body")
    screenshot(phone, "household")
    assert overflowing(phone) == []
    phone.goto(url(live_server, f"/m/ledger/{h.pk}/residents/new/"))
    phone.fill("input[name=name]", "张小")
    phone.fill("input[name=id_number]", FULL_ID[:17] + ("0" if FULL_ID[17] != "0" else "1"))
    phone.locator("form.ledger-form button").click()
    phone.wait_for_load_state()
    screenshot(phone, "resident-error")
    assert h.residents.count() == 1
    phone.fill("input[name=id_number]", id_number("61072220100202002"))
    phone.locator("form.ledger-form button").click()
    phone.wait_for_load_state()
    assert h.residents.count() == 2
    phone.goto(
        url(live_server, f"/m/ledger/residents/{h.residents.first().pk}/reveal/?field=phone")
    )
    phone.fill("input[name=reason]", "电话回访")
    phone.locator("form.ledger-form button").click()
    phone.wait_for_load_state()
    assert PHONE in phone.inner_text("body")
    screenshot(phone, "revealed")
    assert RevealLog.objects.get().reason == "电话回访"
    assert offsite_requests == []


def test_town_staff_import_a_ledger_at_the_desk(
    desk, live_server, cast, tree, screenshot, tmp_path, media
):
    from grids.models import Resident

    rows = good_ledger_rows(tree, 4)
    bad = [list(r) for r in rows]
    bad[2][11] = "123"
    (tmp_path / "bad.xlsx").write_bytes(ledger_xlsx(bad))
    (tmp_path / "good.xlsx").write_bytes(ledger_xlsx(rows))
    login(desk, live_server, "staff_town1", PASSWORD)
    for name in ("bad", "good"):
        desk.goto(url(live_server, "/desk/ledger/import/"))
        desk.select_option("select[name=node]", str(tree.village1.pk))
        desk.set_input_files("input[name=file]", str(tmp_path / f"{name}.xlsx"))
        desk.locator("form.ledger-form button").click()
        desk.wait_for_load_state()
        screenshot(desk, f"preview-{name}")
    assert "4" in desk.inner_text("body")
    desk.click("text=全部导入")  # "Import all", in Chinese by default
    desk.wait_for_load_state()
    screenshot(desk, "done")
    assert Resident.objects.count() == 4
