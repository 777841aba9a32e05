"""A town's admin decides in the admin whether residents may report without a phone number."""

from cases.models import ResidentReporting


def test_a_town_admin_allows_anonymous_reports_for_their_town_only(client, cast, tree):
    client.force_login(cast.town1_admin)
    assert client.get("/admin/cases/residentreporting/add/").status_code == 200
    response = client.post(
        "/admin/cases/residentreporting/add/", {"town": tree.town1.pk, "anonymous_allowed": "on"}
    )
    assert response.status_code == 302
    assert ResidentReporting.anonymous_allowed_in(tree.town1)
    refused = client.post(
        "/admin/cases/residentreporting/add/", {"town": tree.town2.pk, "anonymous_allowed": "on"}
    )
    assert refused.status_code == 200 and not ResidentReporting.anonymous_allowed_in(tree.town2)
    theirs = ResidentReporting.objects.create(town=tree.town2)
    assert client.get(f"/admin/cases/residentreporting/{theirs.pk}/change/").status_code == 404
