"""The definition screens: library, detail with values and history, create/edit, entering one value."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from renkei.core.audit import object_type_of
from renkei.core.models import AuditEntry
from renkei.indicators.areas import Area
from renkei.indicators.models import IndicatorDefinition, IndicatorValue
from renkei.indicators.periods import fiscal_year
from renkei.indicators.services.values import value_enter

from ..conftest import client_for
from .factories import LibraryDefinitionFactory


def _form(definition=None, **changes):
    data = {"code": "OWN1", "name_ja": "独自指標", "name_en": "Own", "description": "", "kind": "process",
            "scenes": ["daily_care"], "program_items": ["b"], "numerator_label": "件数", "denominator_label": "",
            "factor": "1", "unit": "件", "decimals": "0", "direction": "higher", "data_source": "市の集計",
            "source_url": "", "vintage_note": "", "caveat": "", "period_type": "fiscal_year",
            "suppression_threshold": "10", "origin": "entered", "is_active": "on"}
    if definition is not None:
        data.update(code=definition.code, name_ja=definition.name_ja, version=str(definition.version))
    data.update(changes)
    return data


@pytest.fixture
def builtin(places):
    return LibraryDefinitionFactory(code="EOL01", name_ja="在宅死亡率")


@pytest.fixture
def private(places):
    return LibraryDefinitionFactory(code="H01", name_ja="福知山の独自指標", owner_municipality=places.home)


def test_the_library_lists_what_the_member_may_use_with_badges(places, builtin, private):
    response = client_for(places.members.city).get(reverse("indicators:definition_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-code="EOL01"' in html and 'data-code="H01"' in html
    assert 'data-origin="entered"' in html and 'data-owner="builtin"' in html


def test_the_library_filters_with_htmx_returning_only_the_results(places, builtin, private):
    response = client_for(places.members.city).get(reverse("indicators:definition_list"), {"owner": "own"},
                                                   HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-code="H01"' in html and 'data-code="EOL01"' not in html


def test_an_unknown_filter_is_a_message_not_an_error(places, builtin):
    response = client_for(places.members.city).get(reverse("indicators:definition_list"), {"kind": "<x>"})
    assert response.status_code == 200
    assert 'data-code="EOL01"' in response.content.decode()
    assert 'class="error"' in response.content.decode()


def test_another_municipality_cannot_open_our_private_definition(places, private):
    url = reverse("indicators:definition_detail", args=[private.pk])
    assert client_for(places.members.other_city).get(url).status_code == 404
    assert client_for(places.members.city).get(url).status_code == 200
    assert Client().get(url).status_code == 302


def test_the_detail_shows_values_by_period_with_who_and_the_corrections(places, builtin):
    city = places.members.city
    area = Area.of_municipality(places.home)
    value_enter(membership=city, definition=builtin, area=area, period=fiscal_year(2024), numerator=30,
                denominator=120, source_note="人口動態")
    value_enter(membership=city, definition=builtin, area=area, period=fiscal_year(2024), numerator=31,
                denominator=120)
    response = client_for(city).get(reverse("indicators:definition_detail", args=[builtin.pk]))
    html = response.content.decode()
    assert 'data-period="FY2024"' in html and "令和6年度" in html
    assert 'data-value="25.833333"' in html  # 31 ÷ 120 × 100
    assert 'data-old-value="25.000000"' in html
    assert city.user.display_name in html or city.user.email in html
    assert "令和" in html  # recorded dates in 和暦


def test_municipal_staff_create_their_municipalitys_definition_audited(places):
    city = places.members.city
    response = client_for(city).post(reverse("indicators:definition_create"), _form(is_shared="on"))
    definition = IndicatorDefinition.objects.get(code="OWN1")
    assert response.status_code == 302
    assert definition.owner_municipality == places.home and definition.is_shared and not definition.is_builtin
    assert definition.higher_is_better is True and definition.scenes == ["daily_care"]
    assert AuditEntry.objects.filter(object_type=object_type_of(definition), object_id=str(definition.pk),
                                     action=AuditEntry.Action.CREATE).exists()


def test_prefecture_staff_create_a_prefecture_definition_seen_by_its_municipalities(places):
    client_for(places.members.prefecture).post(reverse("indicators:definition_create"), _form(code="PREF1"))
    definition = IndicatorDefinition.objects.get(code="PREF1")
    assert definition.owner_prefecture == places.kyoto and definition.owner_municipality is None
    assert client_for(places.members.other_city).get(
        reverse("indicators:definition_detail", args=[definition.pk])).status_code == 200


def test_a_professional_may_not_create_definitions(places):
    response = client_for(places.members.doctor).post(reverse("indicators:definition_create"), _form())
    assert response.status_code == 403
    assert not IndicatorDefinition.objects.filter(code="OWN1").exists()


def test_a_code_already_used_is_a_message(places, private):
    response = client_for(places.members.city).post(reverse("indicators:definition_create"), _form(code="H01"))
    assert response.status_code == 400
    assert IndicatorDefinition.objects.filter(code="H01").count() == 1


def test_a_bad_code_is_a_message(places):
    response = client_for(places.members.city).post(reverse("indicators:definition_create"), _form(code="a b/c"))
    assert response.status_code == 400


def test_built_ins_are_read_only_except_for_system_admins(places, builtin):
    url = reverse("indicators:definition_edit", args=[builtin.pk])
    assert client_for(places.members.city).post(url, _form(builtin, name_ja="変えた")).status_code == 403
    assert client_for(places.members.admin).post(url, _form(builtin, name_ja="変えた")).status_code == 302
    builtin.refresh_from_db()
    assert builtin.name_ja == "変えた" and builtin.is_builtin


def test_another_municipality_cannot_edit_our_shared_definition(places):
    shared = LibraryDefinitionFactory(code="SH1", owner_municipality=places.home, is_shared=True)
    url = reverse("indicators:definition_edit", args=[shared.pk])
    assert client_for(places.members.other_city).get(url).status_code == 403


def test_a_stale_edit_shows_the_conflict_screen(places, private):
    url = reverse("indicators:definition_edit", args=[private.pk])
    opened = _form(private, name_ja="私の名前")
    private.name_ja = "他の人の名前"
    private.save()
    response = client_for(places.members.city).post(url, opened)
    assert response.status_code == 409
    private.refresh_from_db()
    assert private.name_ja == "他の人の名前"
    assert 'id="conflict"' in response.content.decode()


def test_staff_enter_and_correct_a_value_keeping_the_old_one(places, builtin):
    url = reverse("indicators:value_enter", args=[builtin.pk])
    client = client_for(places.members.city)
    assert client.post(url, {"area": "M262013", "period": "令和6年度", "numerator": "30", "denominator": "120",
                             "source_note": "人口動態"}).status_code == 302
    response = client.get(url, {"area": "M262013", "period": "FY2024"})
    assert 'data-current-value="25.000000"' in response.content.decode()
    assert client.post(url, {"area": "M262013", "period": "FY2024", "numerator": "36",
                             "denominator": "120"}).status_code == 302
    rows = IndicatorValue.objects.filter(definition=builtin, area_key="M262013").order_by("recorded_at", "pk")
    assert [(r.value, r.is_current) for r in rows] == [(Decimal("25"), False), (Decimal("30"), True)]
    assert rows[0].superseded_by == rows[1] and rows[1].recorded_by == places.members.city.user
    assert AuditEntry.objects.filter(object_type=object_type_of(rows[1]), object_id=str(rows[1].pk)).exists()


def test_a_plain_count_is_entered_as_one_value(places):
    count = LibraryDefinitionFactory(code="CNT", denominator_label="", factor=1, unit="件")
    response = client_for(places.members.city).post(reverse("indicators:value_enter", args=[count.pk]),
                                                    {"area": "M262013", "period": "FY2024", "value": "7"})
    assert response.status_code == 302
    value = IndicatorValue.objects.get(definition=count)
    assert (value.numerator, value.value) == (Decimal("7"), Decimal("7"))


@pytest.mark.parametrize("data", [
    {"area": "M262013", "period": "2024-05", "numerator": "1", "denominator": "2"},  # a month for a yearly one
    {"area": "M262013", "period": "いつか", "numerator": "1", "denominator": "2"},
    {"area": "M262013", "period": "FY2024", "numerator": "1"},
    {"area": "M262013", "period": "FY2024", "numerator": "1", "denominator": "0"},
    {"area": "M262013", "period": "FY2024", "numerator": "-1", "denominator": "3"},
    {"area": "M262023", "period": "FY2024", "numerator": "1", "denominator": "2"},  # 舞鶴市: not ours
    {"area": "M262013", "period": "FY2024", "numerator": "abc", "denominator": "2"},
])
def test_bad_values_are_messages_and_nothing_is_written(places, builtin, data):
    response = client_for(places.members.city).post(reverse("indicators:value_enter", args=[builtin.pk]), data)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_the_prefectures_figure_may_be_entered_by_municipal_staff_but_not_another_prefectures(places, builtin):
    client = client_for(places.members.city)
    data = {"area": "P26", "period": "FY2024", "numerator": "1", "denominator": "4"}
    assert client.post(reverse("indicators:value_enter", args=[builtin.pk]), data).status_code == 302
    data["area"] = "P13"
    assert client.post(reverse("indicators:value_enter", args=[builtin.pk]), data).status_code == 400


def test_a_professional_may_not_enter_values(places, builtin):
    response = client_for(places.members.doctor).post(reverse("indicators:value_enter", args=[builtin.pk]),
                                                      {"area": "M262013", "period": "FY2024", "numerator": "1",
                                                       "denominator": "2"})
    assert response.status_code == 403
    assert not IndicatorValue.objects.exists()


def test_the_detail_pages_queries_do_not_grow_with_its_values(places, builtin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from renkei.indicators.services.targets import indicator_target_save

    city = places.members.city
    indicator_target_save(membership=city, definition=builtin, municipality=places.home, start_fiscal_year=2024,
                          yearly={2024: Decimal("20")}, final_value=Decimal("30"))
    client = client_for(city)
    url = reverse("indicators:definition_detail", args=[builtin.pk])
    counts = []
    for years in (range(2020, 2022), range(2022, 2030)):
        for year in years:
            for numerator in (10, 11):  # each period corrected once
                value_enter(membership=city, definition=builtin, area=Area.of_municipality(places.home),
                            period=fiscal_year(year), numerator=numerator, denominator=100)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"start": "2024"}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
