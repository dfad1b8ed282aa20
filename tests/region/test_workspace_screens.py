"""§3: the (ク) entry page, the prefecture's and 保健所's home, a municipality's profile, the resource map, data
provision and the 保健所's jurisdictions."""

import json

import pytest
from django.urls import reverse

from renkei.core.models import AuditEntry
from renkei.region.models import HealthCenterArea
from renkei.region.selectors import workspace as selectors
from renkei.region.views.workspace import HUB_LINKS, links_for
from tests.conftest import client_for

from .factories import FY, answer

pytestmark = pytest.mark.django_db


def _codes_in_table(html: str) -> list[str]:
    return [part.split('"')[0] for part in html.split('data-municipality="')[1:]]


def test_prefecture_home_lists_its_municipalities_not_started_first(world):
    answer(world.fukuchiyama, "IIIIIIII")
    answer(world.maizuru, "NNNNNNNN")
    answer(world.ayabe, "IIPNNNNN", confirm=False)
    response = client_for(world.prefecture).get(reverse("region:index") + f"?year={FY}")
    assert response.status_code == 200
    codes = _codes_in_table(response.content.decode())
    # 舞鶴 (nothing implemented), then 綾部 (unconfirmed) and 伊根 (no sheet) before 福知山 (eight items).
    assert codes[-1] == world.fukuchiyama.code
    assert set(codes) == {m.code for m in world.kyoto_municipalities}
    assert world.otsu.code not in codes


def test_only_confirmed_sheets_count_on_the_home(world):
    answer(world.ayabe, "IIIIIIII", confirm=False)
    rows = selectors.status_rows(world.prefecture, world.kyoto_municipalities, FY)
    ayabe = next(r for r in rows if r.municipality == world.ayabe)
    assert ayabe.state == selectors.UNCONFIRMED
    assert ayabe.implemented is None
    ine = next(r for r in rows if r.municipality == world.ine)
    assert ine.state == selectors.MISSING


def test_a_health_center_starts_with_its_jurisdiction_and_may_switch_to_the_prefecture(world):
    client = client_for(world.health_center_staff)
    own = _codes_in_table(client.get(reverse("region:index")).content.decode())
    assert sorted(own) == sorted([world.fukuchiyama.code, world.maizuru.code, world.ayabe.code])
    whole = _codes_in_table(client.get(reverse("region:index") + "?whole=1").content.decode())
    assert world.ine.code in whole


def test_progress_counts_municipalities_implementing_each_item_by_year(world):
    answer(world.fukuchiyama, "INNNNNNN", fiscal_year=FY - 1)
    answer(world.fukuchiyama, "IINNNNNN")
    answer(world.maizuru, "IINNNNNN")
    data = selectors.progress(world.prefecture, world.kyoto_municipalities)
    assert data["years"] == [FY - 1, FY]
    first, second = data["items"][0], data["items"][1]
    assert first["implemented"] == [1, 2]
    assert second["implemented"] == [0, 2]
    assert data["confirmed"] == [1, 2]


def test_progress_reaches_the_page_as_json_script(world):
    answer(world.fukuchiyama, "IINNNNNN")
    html = client_for(world.prefecture).get(reverse("region:index")).content.decode()
    start = html.index('id="ws-progress-data"')
    payload = html[html.index(">", start) + 1:html.index("</script>", start)]
    assert json.loads(payload)["years"] == [FY]
    assert "<script>" not in html  # no inline script (CSP)


def test_the_home_reads_sheets_in_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    for municipality in world.kyoto_municipalities:
        answer(municipality, "IIPNIIIN")
    with django_assert_max_num_queries(4):
        selectors.status_rows(world.prefecture, world.kyoto_municipalities, FY)
    with django_assert_max_num_queries(4):
        selectors.progress(world.prefecture, world.kyoto_municipalities)


def test_municipal_staff_get_the_hub_with_links_only_to_registered_rules(world):
    response = client_for(world.official).get(reverse("region:index"))
    assert response.status_code == 200
    assert 'data-municipality="' not in response.content.decode()
    for link in links_for(world.official, HUB_LINKS):
        assert client_for(world.official).get(link["url"]).status_code == 200


def test_an_unregistered_rule_hides_its_link(world, monkeypatch):
    monkeypatch.setattr("renkei.region.views.workspace.reverse", lambda name: "/region/x/")
    links = links_for(world.official, [("region:nowhere", "region.no_such_rule", "x"),
                                       ("region:index", "region.view_report", "y")])
    assert [link["label"] for link in links] == ["y"]


def test_a_name_that_does_not_reverse_is_skipped(world):
    links = links_for(world.official, [("region:not_built_yet", "region.view_report", "x")])
    assert links == []


def test_the_profile_shows_the_statuses_over_the_years(world):
    answer(world.ine, "INNNNNNN", fiscal_year=FY - 1)
    answer(world.ine, "IIINNNNN")
    response = client_for(world.prefecture).get(reverse("region:municipality_profile", args=[world.ine.code]))
    assert response.status_code == 200
    history = selectors.status_history(world.prefecture, world.ine)
    assert [row.fiscal_year for row in history] == [FY, FY - 1]
    assert history[0].implemented == 3


def test_another_prefecture_s_staff_cannot_open_a_profile(world):
    response = client_for(world.other_prefecture).get(
        reverse("region:municipality_profile", args=[world.fukuchiyama.code]))
    assert response.status_code == 403


def test_the_resource_map_lists_the_share_of_people_aged_75_and_over(world):
    rows = selectors.aged_rows(world.kyoto_municipalities, FY)
    ine = next(r for r in rows if r.municipality == world.ine)
    assert ine.share == 28.0  # 560 / 2,000
    response = client_for(world.prefecture).get(reverse("region:resource_map"))
    assert response.status_code == 200
    assert "28.0%" in response.content.decode()


def test_the_resource_facilities_feed_is_geojson(world):
    response = client_for(world.prefecture).get(reverse("region:resource_facilities_geojson"))
    assert response.status_code == 200
    assert json.loads(response.content)["type"] == "FeatureCollection"


def test_the_office_sets_a_health_center_s_jurisdiction_and_it_is_audited(world):
    client = client_for(world.prefecture)
    response = client.post(reverse("region:health_center_areas"), {
        "health_center": world.health_center.pk, "municipalities": [world.ine.code, world.ayabe.code]})
    assert response.status_code == 302
    area = HealthCenterArea.objects.get(health_center=world.health_center)
    assert set(area.municipalities.values_list("code", flat=True)) == {world.ine.code, world.ayabe.code}
    assert AuditEntry.objects.filter(object_type="region.healthcenterarea", action="update").exists()


def test_a_health_center_reads_its_jurisdiction_but_cannot_set_it(world):
    client = client_for(world.health_center_staff)
    assert client.get(reverse("region:health_center_areas")).status_code == 200
    response = client.post(reverse("region:health_center_areas"), {
        "health_center": world.health_center.pk, "municipalities": [world.ine.code]})
    assert response.status_code == 403
    area = HealthCenterArea.objects.get(health_center=world.health_center)
    assert world.ine not in area.municipalities.all()


def test_another_prefecture_cannot_set_this_prefecture_s_health_center(world):
    response = client_for(world.other_prefecture).post(reverse("region:health_center_areas"), {
        "health_center": world.health_center.pk, "municipalities": [world.otsu.code]})
    assert response.status_code == 403


def test_a_municipality_of_another_prefecture_is_refused_with_a_message(world):
    client = client_for(world.prefecture)
    response = client.post(reverse("region:health_center_areas"), {
        "health_center": world.health_center.pk, "municipalities": [world.otsu.code]}, follow=True)
    assert response.status_code == 200
    assert "保健所と同じ都道府県" in response.content.decode()
    area = HealthCenterArea.objects.get(health_center=world.health_center)
    assert world.otsu not in area.municipalities.all()


def test_data_provision_shows_the_population_the_prefecture_recorded(world):
    response = client_for(world.prefecture).get(reverse("region:data_provision"))
    assert response.status_code == 200
    assert client_for(world.official).get(reverse("region:data_provision")).status_code == 403
