"""The end-to-end benchmarks' pure parts: forms as a browser submits them, percentiles, the baseline search."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from _http import find_form, hidden_inputs, parse_forms, percentile, summary_ms  # noqa: E402
from search_http import baseline_names, baseline_nearby, build_baseline, haversine_km, normalize  # noqa: E402

EDIT_PAGE = """
<form method="get" action="/search/"><input name="q" value="x"></form>
<form method="post" action="/directory/facilities/7/edit/" class="stack">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="hidden" name="version" value="3">
  <input type="text" name="name" value="山田医院">
  <input name="kana" value="ヤマダイイン">
  <input type="checkbox" name="public" value="1" checked>
  <input type="checkbox" name="archived" value="1">
  <input type="radio" name="kind" value="clinic" checked><input type="radio" name="kind" value="hospital">
  <input type="submit" name="save" value="保存">
  <input type="text" name="locked" value="no" disabled>
  <select name="coordinate_quality"><option value="">---</option><option value="point" selected>地点</option></select>
  <select name="daily_living_area"><option value="">---</option><option value="4">北部</option></select>
  <select name="departments" multiple><option selected>内科</option><option value="ge" selected>外科</option></select>
  <textarea name="description">
一行目 &amp; 二行目</textarea>
</form>
"""


def test_a_form_is_read_as_a_browser_would_submit_it_untouched():
    form = find_form(EDIT_PAGE)
    assert form.action == "/directory/facilities/7/edit/"
    assert form.fields == [
        ("csrfmiddlewaretoken", "tok"), ("version", "3"), ("name", "山田医院"), ("kana", "ヤマダイイン"),
        ("public", "1"), ("kind", "clinic"), ("coordinate_quality", "point"), ("daily_living_area", ""),
        ("departments", "内科"), ("departments", "ge"), ("description", "一行目 & 二行目"),
    ]


def test_a_changed_field_replaces_its_value_and_keeps_every_hidden_input():
    sent = dict(find_form(EDIT_PAGE).with_values(description="bench-1"))
    assert sent["description"] == "bench-1"
    assert sent["version"] == "3" and sent["csrfmiddlewaretoken"] == "tok"


def test_find_form_picks_the_form_with_the_named_field():
    assert find_form(EDIT_PAGE, method="get", having="q").values() == {"q": "x"}
    assert find_form(EDIT_PAGE, having="respondent_name") is None
    assert len(parse_forms(EDIT_PAGE)) == 2


def test_hidden_inputs_lists_every_hidden_field_of_the_page():
    assert hidden_inputs(EDIT_PAGE) == {"csrfmiddlewaretoken": "tok", "version": "3"}


def test_percentiles_are_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 50) == 51.0 and percentile(values, 95) == 95.0 and percentile(values, 100) == 100.0
    assert percentile([0.2], 99) == 0.2
    assert summary_ms([0.010, 0.020, 0.030]) == pytest.approx((20.0, 30.0, 30.0))
    assert summary_ms([]) == (0.0, 0.0, 0.0)


def test_the_baseline_normalizes_hiragana_width_and_case():
    assert normalize("やまだ　ｸﾘﾆｯｸ Yamada") == "ヤマダクリニックyamada"


def test_the_baseline_search_finds_names_by_trigram_and_short_terms_by_scan(tmp_path):
    path = tmp_path / "baseline.sqlite3"
    build_baseline(path, [
        (1, "山田内科医院", "ヤマダナイカイイン", "clinic", "", "", 35.30, 135.12,
         "山田内科医院 ヤマダナイカイイン yamadanaikaiin"),
        (2, "田中歯科", "タナカシカ", "dental", "", "", 35.31, 135.13, "田中歯科 タナカシカ tanakashika"),
        (3, "森薬局", "モリヤッキョク", "pharmacy", "", "", 43.06, 141.35, "森薬局 モリヤッキョク moriyakkyoku"),
    ])
    import sqlite3

    db = sqlite3.connect(path)
    assert baseline_names(db, "やまだ", 10)["count"] == 1
    assert baseline_names(db, "科", 10)["count"] == 2  # one character: no trigram, a scan
    assert [i["id"] for i in baseline_names(db, "yamada 内科", 10)["items"]] == [1]
    near = baseline_nearby(db, 35.30, 135.12, 16, 10)
    assert near["count"] == 2 and [i["id"] for i in near["items"]] == [1, 2]
    assert near["items"][1]["distance_km"] == pytest.approx(haversine_km(35.30, 135.12, 35.31, 135.13), abs=0.001)


def test_haversine_gives_the_distance_between_two_cities():
    assert haversine_km(35.6812, 139.7671, 34.7025, 135.4959) == pytest.approx(403, abs=3)  # Tokyo–Osaka stations


def test_generated_positions_near_their_municipality_lie_in_its_prefecture(tmp_path):
    import csv

    from generators.mhlw import generate

    from renkei.directory.importers.positions import is_in_prefecture

    places = [("26201", "京都府", "福知山市"), ("01205", "北海道", "室蘭市"), ("47201", "沖縄県", "那覇市")]
    paths = generate(tmp_path, places=places, scale=0.002, near_municipality=True)
    rows = list(csv.DictReader((tmp_path / paths[1].name).open(encoding="utf-8")))  # the clinics
    placed = [r for r in rows if r["所在地座標（緯度）"] != "0.0"]
    assert len(placed) > 150
    assert all(is_in_prefecture(r["都道府県コード"], float(r["所在地座標（緯度）"]), float(r["所在地座標（経度）"]))
               for r in placed)


def test_the_baseline_finds_a_facility_just_inside_the_radius_due_north(tmp_path):
    import math
    import sqlite3

    north = 35.0 + math.degrees(15.99 / 6371.0088)
    path = tmp_path / "baseline.sqlite3"
    build_baseline(path, [(1, "北医院", "キタイイン", "clinic", "", "", north, 135.0, "北医院 キタイイン"),
                          (2, "東医院", "ヒガシイイン", "clinic", "", "", 35.0, 135.1755, "東医院 ヒガシイイン")])
    found = baseline_nearby(sqlite3.connect(path), 35.0, 135.0, 16, 10)
    assert sorted(i["id"] for i in found["items"]) == [1, 2]  # the north one fell outside a too-small box
    assert all(i["distance_km"] <= 16 for i in found["items"])
