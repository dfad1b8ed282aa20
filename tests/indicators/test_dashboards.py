"""The scene dashboards: panels with three series, target, status, rank and source; screens, downloads, map."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from renkei.core.models import DailyLivingArea
from renkei.directory.models import AreaShape
from renkei.indicators import choropleth, dashboards
from renkei.indicators.models import IndicatorDefinition

from ..conftest import client_for
from ..factories import MunicipalityFactory
from .dashboard_data import (
    definition,
    other_prefecture_municipality,
    prefecture_staff,
    staff_of,
    target,
    value,
)

TODAY = dt.date(2025, 6, 1)  # fiscal year 2025: inside the 2024–2026 plan period


@pytest.fixture(autouse=True)
def _without_the_shipped_library(db):
    """These tests list a scene's indicators exactly: they start without the shipped library."""
    IndicatorDefinition.objects.filter(owner_municipality=None, owner_prefecture=None).delete()


@pytest.fixture
def neighbours(municipality):
    return [MunicipalityFactory(jis_code=f"26{n}", prefecture=municipality.prefecture, name=f"隣町{n}")
            for n in (202, 203, 204)]


@pytest.fixture
def home_deaths(municipality, neighbours):
    """在宅死の割合: the municipality, its prefecture, the nation over three years, neighbours in FY2024."""
    d = definition(code="HOME_DEATH", rate=True, name_ja="在宅死の割合", caveat="孤独死を含む。")
    for year, own, pref, nation in ((2022, 18.0, 16.0, 17.0), (2023, 20.0, 17.0, 17.5), (2024, 23.0, 18.0, 18.2)):
        value(d, municipality=municipality, start=year, value=own, numerator=own * 10, denominator=1000)
        value(d, prefecture=municipality.prefecture, start=year, value=pref)
        value(d, nation=True, start=year, value=nation, source="人口動態統計（全国）")
    for neighbour, amount in zip(neighbours, (30.0, 23.0, 10.0), strict=True):
        value(d, municipality=neighbour, start=2024, value=amount)
    target(d, municipality, start=2024, end=2026, baseline=20, baseline_year=2023, final=26)
    return d


def test_a_panel_holds_the_municipality_its_prefecture_and_the_nation_by_period(municipality, home_deaths):
    membership = staff_of(municipality)
    [panel] = dashboards.build_panels(membership, [home_deaths], municipality, today=TODAY)
    assert [p.period.key for p in panel.points] == ["FY2022", "FY2023", "FY2024"]
    assert [p.own.value for p in panel.points] == [Decimal("18"), Decimal("20"), Decimal("23")]
    assert [p.prefecture.value for p in panel.points] == [Decimal("16"), Decimal("17"), Decimal("18")]
    assert [p.nation.value for p in panel.points] == [Decimal("17"), Decimal("17.5"), Decimal("18.2")]
    assert panel.has_prefecture and panel.has_nation


def test_the_target_line_follows_the_straight_line_from_baseline_to_final(municipality, home_deaths):
    [panel] = dashboards.build_panels(staff_of(municipality), [home_deaths], municipality, today=TODAY)
    # Baseline 20 in FY2023, 26 in FY2026: FY2024 is 22; FY2022–2023 lie before the plan period.
    assert [p.target for p in panel.points] == [None, None, Decimal("22")]
    assert panel.chart_data()["target"] == [None, None, 22.0]


def test_the_status_compares_the_latest_value_with_the_year_s_target(municipality, home_deaths):
    [panel] = dashboards.build_panels(staff_of(municipality), [home_deaths], municipality, today=TODAY)
    assert panel.status.code == "on_track"  # 23 ≥ 22
    value(home_deaths, municipality=municipality, start=2025, value=21.0)
    [panel] = dashboards.build_panels(staff_of(municipality), [home_deaths], municipality, today=TODAY)
    assert panel.status.code == "behind"  # 21 < 23 (FY2025's target)


def test_the_rank_counts_the_prefecture_s_municipalities_and_shares_places_on_ties(municipality, home_deaths):
    [panel] = dashboards.build_panels(staff_of(municipality), [home_deaths], municipality, today=TODAY)
    # FY2024: 30, 23 (us), 23, 10 → second place shared, of four.
    assert (panel.rank.position, panel.rank.count, panel.rank.period.key) == (2, 4, "FY2024")
    assert panel.rank.direction == "higher"


def test_lower_is_better_ranks_the_smallest_first(municipality, home_deaths):
    home_deaths.higher_is_better = False
    home_deaths.save()
    [panel] = dashboards.build_panels(staff_of(municipality), [home_deaths], municipality, today=TODAY)
    assert (panel.rank.position, panel.rank.count) == (2, 4)  # 10, 23 (us), 23, 30
    assert panel.rank.direction == "lower"


def test_the_rank_ignores_another_prefecture_s_municipalities(municipality, home_deaths):
    value(home_deaths, municipality=other_prefecture_municipality(), start=2024, value=99.0)
    [panel] = dashboards.build_panels(staff_of(municipality), [home_deaths], municipality, today=TODAY)
    assert panel.rank.count == 4


def test_the_source_and_vintage_are_those_of_the_values_shown(municipality, home_deaths):
    [panel] = dashboards.build_panels(staff_of(municipality), [home_deaths], municipality, today=TODAY)
    assert panel.sources == ["人口動態統計 令和5年", "人口動態統計（全国）"]
    assert panel.vintage == dt.date(2025, 9, 1)


def test_a_scene_shows_only_its_own_indicators_that_the_viewer_may_use(municipality, other_municipality,
                                                                       home_deaths):
    definition(code="DAILY", scenes=["daily_care"])
    definition(code="OTHERS_OWN", owner_municipality=other_prefecture_municipality())
    definition(code="RETIRED", is_active=False)
    board = dashboards.scene_dashboard(staff_of(municipality), municipality, "end_of_life")
    assert [p.definition.code for p in board.panels] == ["HOME_DEATH"]


def test_a_dashboard_costs_the_same_queries_for_two_or_twenty_indicators(municipality, neighbours,
                                                                        django_assert_max_num_queries):
    membership = staff_of(municipality)
    definitions = []
    for n in range(20):
        d = definition(code=f"Q{n:02d}")
        definitions.append(d)
        for year in (2023, 2024):
            value(d, municipality=municipality, start=year, value=n + year % 10)
            value(d, municipality=neighbours[0], start=year, value=n)
            value(d, prefecture=municipality.prefecture, start=year, value=n)
        target(d, municipality, final=n + 5, yearly={2024: n + 1})
    membership.organization.municipality  # noqa: B018 (loaded, as the middleware does)
    # Definitions, values, sources, targets, their years, the prefecture's municipalities, the rank's values.
    with django_assert_max_num_queries(7) as few:
        dashboards.scene_dashboard(membership, municipality, "end_of_life")
    with django_assert_max_num_queries(len(few.captured_queries)):
        panels = dashboards.build_panels(membership, definitions[:2], municipality)
    assert len(panels) == 2


def test_scene_summaries_count_each_status_and_list_the_four_scenes(municipality, home_deaths):
    definition(code="NO_TARGET_YET")
    definition(code="DEMENTIA", scenes=["dementia"])
    summaries = dashboards.scene_summaries(staff_of(municipality), municipality, today=TODAY)
    by_scene = {s.scene: s for s in summaries}
    assert list(by_scene) == ["daily_care", "admission_discharge", "emergency", "end_of_life"]
    assert by_scene["end_of_life"].counts["on_track"] == 1
    assert by_scene["end_of_life"].counts["no_target"] == 1
    assert by_scene["end_of_life"].total == 2


def test_a_scene_outside_the_four_is_listed_once_the_municipality_uses_it(municipality):
    d = definition(code="DEMENTIA", scenes=["dementia"])
    value(d, municipality=municipality, start=2024, value=3)
    summaries = dashboards.scene_summaries(staff_of(municipality), municipality, today=TODAY)
    assert "dementia" in [s.scene for s in summaries]


# --- screens ------------------------------------------------------------------------------------------------

def test_the_scene_dashboard_shows_chart_table_status_rank_and_source(municipality, home_deaths):
    response = client_for(staff_of(municipality)).get("/indicators/scene/end_of_life/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-chart="chart-data-0"' in html and 'role="img"' in html
    assert '<script id="chart-data-0" type="application/json">' in html
    assert 'data-rank="2" data-rank-count="4"' in html
    assert 'data-status="on_track"' in html
    assert "<caption" in html and 'scope="row"' in html and "23.0" in html
    assert "人口動態統計 令和5年" in html and "孤独死を含む。" in html
    data = json.loads(html.split('<script id="chart-data-0" type="application/json">')[1].split("</script>")[0])
    assert data["own"] == [18.0, 20.0, 23.0] and data["nation"] == [17.0, 17.5, 18.2]


def test_an_unknown_scene_is_not_found(municipality):
    assert client_for(staff_of(municipality)).get("/indicators/scene/nonsense/").status_code == 404


def test_prefecture_staff_choose_among_their_municipalities(municipality, neighbours, home_deaths):
    client = client_for(prefecture_staff(municipality.prefecture))
    response = client.get(f"/indicators/scene/end_of_life/?municipality={neighbours[0].code}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{municipality.code}"' in html and f'value="{neighbours[0].code}" selected' in html
    assert 'data-rank="1" data-rank-count="4"' in html  # 30: the first


def test_members_of_another_prefecture_may_not_open_the_dashboard(municipality, home_deaths):
    client = client_for(staff_of(other_prefecture_municipality()))
    assert client.get(f"/indicators/scene/end_of_life/?municipality={municipality.code}").status_code == 403


def test_the_index_links_every_scene_with_its_counts(municipality, home_deaths):
    response = client_for(staff_of(municipality)).get("/indicators/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"/indicators/scene/end_of_life/?municipality={municipality.code}" in html
    assert 'data-status="on_track" data-count="1"' in html


def test_the_csv_download_holds_every_series_and_neutralises_formulas(municipality, home_deaths):
    home_deaths.name_ja = "=HYPERLINK(1)"
    home_deaths.save()
    response = client_for(staff_of(municipality)).get("/indicators/scene/end_of_life/download.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][5] == municipality.name
    fy2024 = next(r for r in rows[1:] if r[3] == "FY2024")
    assert fy2024[1] == "'=HYPERLINK(1)"
    assert [float(x) for x in fy2024[5:9]] == [23.0, 18.0, 18.2, 22.0]
    assert fy2024[10] == "2/4"


def test_the_excel_download_holds_numbers_as_numbers(municipality, home_deaths):
    response = client_for(staff_of(municipality)).get("/indicators/scene/end_of_life/download.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[3][3] == "FY2024" and rows[3][5] == 23.0


def test_another_download_format_is_not_found(municipality, home_deaths):
    assert client_for(staff_of(municipality)).get(
        "/indicators/scene/end_of_life/download.pdf").status_code == 404


SQUARE = {"type": "Polygon", "coordinates": [[[135.0, 35.0], [135.1, 35.0], [135.1, 35.1], [135.0, 35.0]]]}


def _outline(municipality, area=None):
    return AreaShape.objects.create(municipality=municipality, daily_living_area=area, geometry=SQUARE,
                                    min_lat=35.0, min_lon=135.0, max_lat=35.1, max_lon=135.1)


def test_the_map_section_lists_every_municipality_with_its_class_or_no_data(municipality, neighbours, home_deaths):
    _outline(municipality)
    _outline(neighbours[0])
    extra = MunicipalityFactory(jis_code="26205", prefecture=municipality.prefecture, name="無値町")
    client = client_for(staff_of(municipality))
    response = client.get("/indicators/scene/end_of_life/?map=HOME_DEATH&level=municipality",
                          HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html  # the partial only
    assert f'data-area="M{extra.code}"' in html and html.count("swatch-none") == 1
    assert f'data-overlay-url="/indicators/map.geojson?municipality={municipality.code}&amp;map=HOME_DEATH' in html
    feed = client.get(f"/indicators/map.geojson?municipality={municipality.code}&map=HOME_DEATH&level=municipality")
    features = {f["id"]: f for f in feed.json()["features"]}
    assert set(features) == {f"M{municipality.code}", f"M{neighbours[0].code}"}  # only areas with outlines
    assert features[f"M{neighbours[0].code}"]["properties"]["style"]["fillColor"] == choropleth.CLASS_COLORS[-1]
    assert features[f"M{municipality.code}"]["properties"]["style"]["weight"] == 3  # our own outline stands out


def test_the_map_by_daily_living_area_reads_the_areas_values(municipality, home_deaths):
    north = DailyLivingArea.objects.create(municipality=municipality, name="北部")
    south = DailyLivingArea.objects.create(municipality=municipality, name="南部")
    value(home_deaths, daily_living_area=north, start=2024, value=12.5)
    _outline(municipality, north)
    response = client_for(staff_of(municipality)).get(
        "/indicators/scene/end_of_life/?map=HOME_DEATH&level=daily_living_area")
    html = response.content.decode()
    assert f'data-area="D{north.pk}"' in html and f'data-area="D{south.pk}"' in html and "12.5" in html
    assert "<html" in html  # without htmx: the whole page, the map section filled


def test_map_classes_split_the_range_evenly_and_put_values_in_them():
    classes = choropleth.map_classes([Decimal(v) for v in (0, 10, 20, 30, 40, 50)])
    assert [(float(c.low), float(c.high)) for c in classes] == [(0, 10), (10, 20), (20, 30), (30, 40), (40, 50)]
    assert choropleth.class_of(classes, Decimal(10)).index == 0
    assert choropleth.class_of(classes, Decimal(50)).index == 4
    assert choropleth.class_of(classes, None) is None
    assert [c.index for c in choropleth.map_classes([Decimal(1), Decimal(2)])] == [3, 4]


def test_a_member_without_a_municipality_sees_the_first_of_their_prefecture(municipality, other_municipality):
    response = client_for(prefecture_staff(municipality.prefecture)).get("/indicators/")
    assert response.status_code == 200
    assert f'<option value="{municipality.code}" selected' in response.content.decode()


def test_an_unknown_municipality_code_is_not_found(municipality):
    assert client_for(staff_of(municipality)).get("/indicators/?municipality=999999").status_code == 404


@pytest.mark.parametrize("who", ["municipal", "prefecture", "professional"])
def test_every_link_of_the_indicator_pages_opens(municipality, neighbours, home_deaths, who, make_membership):
    """The link walk's rule on these screens (the walk reaches them once the navigation links them)."""
    from renkei.core.models import Role

    from ..core.test_link_walk import internal_links

    membership = {"municipal": lambda: staff_of(municipality),
                  "prefecture": lambda: prefecture_staff(municipality.prefecture),
                  "professional": lambda: make_membership(Role.PROFESSIONAL)}[who]()
    client = client_for(membership)
    pages = ["/indicators/", "/indicators/scene/end_of_life/", "/indicators/scene/end_of_life/?map=HOME_DEATH"]
    failures = []
    for page in pages:
        assert client.get(page).status_code == 200, page
        for link in internal_links(client.get(page).content.decode()):
            if link.startswith("/indicators/"):
                status = client.get(link).status_code
                if status in (403, 500):
                    failures.append(f"{page} → {link}: {status}")
    assert not failures
