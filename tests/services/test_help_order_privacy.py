"""A help order names a resident and what they need: its page is for those with a part in it
(who hand orders out, who placed it, the team it went to, whoever has something to do on it
now), as its list is; anyone else in scope is 403, out of scope 404."""

from django.urls import reverse

from services import actions
from tests.factories import T0


def _order(cast, tree):
    return actions.help_order_place(
        actor=cast.worker_a,
        kind="care_visit",
        node_id=tree.grid_a.pk,
        resident_name="孙奶奶",
        resident_phone="13600001234",
        description="独居，低保户，想有人陪着说说话",
        now=T0,
    )


def test_an_informant_of_the_grid_does_not_read_a_residents_help_order(client, cast, tree, team):
    order = _order(cast, tree)
    client.force_login(cast.informant_a)
    page = client.get(reverse("volunteer_task", args=[order.pk]))
    assert page.status_code == 403 and "孙奶奶" not in page.content.decode()


def test_a_county_department_reads_no_help_order_it_cannot_list(client, cast, tree, team, window):
    order = _order(cast, tree)
    client.force_login(window.civil_officer)
    assert client.get(reverse("help_orders")).status_code == 403
    page = client.get(reverse("help_order", args=[order.pk]))
    assert page.status_code == 403 and "低保户" not in page.content.decode()


def test_who_placed_it_and_who_hands_it_out_still_read_it(client, cast, tree, team):
    order = _order(cast, tree)
    for who, name in ((cast.worker_a, "volunteer_task"), (cast.staff_town1, "help_order")):
        client.force_login(who)
        assert client.get(reverse(name, args=[order.pk])).status_code == 200
