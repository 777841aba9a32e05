"""The table of demo logins names each door with its address, as the URLconf gives it."""

from gridgov.management.commands.load_demo import _door


def test_each_door_of_the_logins_table_has_its_address():
    assert _door("mobile") == "手机端 /m/"
    assert _door("desk") == "工作台 /desk/"
    assert _door("admin") == "管理后台 /admin/"
    assert _door("") == "—"
