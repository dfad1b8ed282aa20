"""介護サービス情報公表システム open data: care offices, visiting nursing stations, community support centers."""

import pytest

from renkei.directory.models import Facility, ImportRun
from renkei.directory.services.imports import import_file

from .test_import_support import make_kumamoto

HEADER = ["都道府県コード又は市町村コード", "No", "都道府県名", "市区町村名", "事業所名", "事業所名カナ",
          "サービスの種類", "住所", "方書（ビル名等）", "緯度", "経度", "電話番号", "FAX番号", "法人番号",
          "法人の名称", "事業所番号",
          "利用可能曜日", "利用可能曜日特記事項", "定員", "URL",
          "高齢者の方と障害者の方が同時一体的に利用できるサービス", "介護保険の通常の指定基準を満たしている",
          "障害福祉の通常の指定基準を満たしている", "備考"]


@pytest.fixture
def kumamoto(db):
    return make_kumamoto()


def kaigo_file(*rows: dict) -> bytes:
    lines = [",".join(HEADER)]
    for row in rows:
        lines.append(",".join('"' + str(row.get(h, "")).replace('"', '""') + '"' for h in HEADER))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def office(number, name, service, **extra):
    return {"都道府県コード又は市町村コード": "431010", "No": number, "都道府県名": "熊本県",
            "市区町村名": "熊本市中央区", "事業所名": name, "事業所名カナ": "テスト", "サービスの種類": service,
            "住所": "熊本県熊本市中央区水前寺1-1-1",
            "緯度": "32.79", "経度": "130.73", "電話番号": "０９６－１１１－２２２２", "法人番号": "1234567890123",
            "法人の名称": "医療法人テスト会", "事業所番号": number, **extra}


def test_care_offices_get_their_kind_service_code_and_identifiers(kumamoto):
    data = kaigo_file(
        office("4360100001", "すいぜんじ訪問看護ステーション", "訪問看護", **{"利用可能曜日": "平日,土曜"}),
        office("4370100002", "すいぜんじケアプランセンター", "居宅介護支援", **{"方書（ビル名等）": "２階"}),
        office("4370100003", "すいぜんじデイサービス", "通所介護", **{"定員": "３０", "緯度": "0", "経度": "0"}))

    run = import_file(source="kaigo", file=data, file_name="jigyosho_130.csv")

    assert (run.outcome, run.counts["created"], run.counts["rejected"]) == (ImportRun.Outcome.APPLIED, 3, 0)
    nursing = Facility.objects.get(identifiers__value="4360100001-130")
    assert (nursing.kind, nursing.service_type) == ("visiting_nursing_station", "130")
    assert nursing.phone == "096-111-2222" and nursing.municipality.name == "熊本市中央区"
    assert nursing.identifiers.filter(scheme="corporate_number", value="1234567890123").exists()
    assert "平日,土曜" in nursing.hours_note
    plan = Facility.objects.get(identifiers__value="4370100002-430")
    assert (plan.kind, plan.service_type, plan.address) == ("care_service", "430", "熊本県熊本市中央区水前寺1-1-1 2階")
    day = Facility.objects.get(identifiers__value="4370100003-150")
    assert day.capacity == 30 and day.latitude is None


def test_one_office_number_with_two_services_makes_two_entries(kumamoto):
    data = kaigo_file(office("4370100002", "すいぜんじ", "訪問介護"), office("4370100002", "すいぜんじ", "通所介護"))

    run = import_file(source="kaigo", file=data, file_name="jigyosho_mixed.csv")

    assert run.counts["created"] == 2
    assert sorted(Facility.objects.values_list("service_type", flat=True)) == ["110", "150"]


def test_an_unknown_service_without_a_file_code_rejects_the_file(kumamoto):
    run = import_file(source="kaigo", file=kaigo_file(office("4370100002", "なにか", "宇宙旅行")),
                      file_name="care.csv")

    assert run.outcome == ImportRun.Outcome.REJECTED
    assert "宇宙旅行" in run.rejected_rows[0]["reason"]


def test_community_support_centers_are_their_own_kind(kumamoto):
    run = import_file(source="kaigo", file=kaigo_file(office("4300000009", "中央地域包括支援センター",
                                                              "地域包括支援センター")), file_name="centers.csv")

    assert run.counts["created"] == 1
    assert Facility.objects.get().kind == "community_support_center"


def test_the_file_of_one_service_type_does_not_close_the_offices_of_another(kumamoto):
    # The care-service open data comes as one national file per service type.
    import_file(source="kaigo", file=kaigo_file(office("4370100010", "ひまわりヘルパー", "訪問介護")),
                file_name="jigyosho_110.csv")
    run = import_file(source="kaigo", file=kaigo_file(office("4370100011", "ひまわりデイ", "通所介護")),
                      file_name="jigyosho_150.csv")

    assert run.counts["closed"] == 0
    assert Facility.objects.filter(status="open").count() == 2


def test_a_newer_edition_of_one_service_type_closes_its_offices_no_longer_listed(kumamoto):
    import_file(source="kaigo", file=kaigo_file(office("4370100010", "ひまわりヘルパー", "訪問介護"),
                                                office("4370100012", "さくらヘルパー", "訪問介護")),
                file_name="jigyosho_110_20260401.csv")
    run = import_file(source="kaigo", file=kaigo_file(office("4370100010", "ひまわりヘルパー", "訪問介護")),
                      file_name="jigyosho_110_20261001.csv")

    assert run.counts["closed"] == 1
    assert Facility.objects.get(name="さくらヘルパー").status == "closed"


def test_an_office_placed_in_another_prefecture_keeps_its_address_but_not_its_position(kumamoto):
    # The national data places some offices far away (a 白老町 office in Tokyo, a 姫路市 one in Fukuoka).
    data = kaigo_file(office("4370100001", "すいぜんじ", "通所介護", **{"緯度": "35.6895", "経度": "139.6917"}),
                      office("4370100002", "みずあかり", "通所介護"))

    run = import_file(source="kaigo", file=data, file_name="jigyosho_150.csv")

    assert (run.outcome, run.counts["created"], run.counts["positions_dropped"]) == (ImportRun.Outcome.APPLIED, 2, 1)
    far = Facility.objects.get(identifiers__value="4370100001-150")
    assert far.latitude is None and far.longitude is None and far.address == "熊本県熊本市中央区水前寺1-1-1"
    assert Facility.objects.get(identifiers__value="4370100002-150").latitude == 32.79
