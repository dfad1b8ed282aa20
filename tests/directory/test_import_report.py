"""The import report: re-importing an unchanged list changes nothing, placeholders and missing positions are listed,
and every changing row names its fields before anything is applied."""

import pytest

from renkei.directory.importers.common import read_header
from renkei.directory.models import Facility, ImportRun
from renkei.directory.services.imports import column_mapping_save, import_file, would_change

COLUMNS = {"name": "名称", "address": "住所", "kind": "種類", "phone": "電話番号", "corporation_name": "法人名",
           "latitude": "緯度", "longitude": "経度"}
HEADER = "名称,住所,種類,電話番号,法人名,緯度,経度\n"


def own_list(municipality, *rows: str):
    data = (HEADER + "".join(row + "\n" for row in rows)).encode()
    _, headers, _sample = read_header(data)
    mapping = column_mapping_save(municipality=municipality, name="一覧", kind="", columns=COLUMNS, headers=headers)

    def run(**kwargs):
        return import_file(source="municipal", file=data, file_name="list.csv", mapping=mapping,
                           municipality=municipality, **kwargs)

    return run


HOSPITAL_AND_STATION = ("ひかり病院,京都府福知山市内記1-1,病院,0773-11-1111,医療法人ひかり,35.29,135.12",
                        "ひかり病院,京都府福知山市内記1-1,訪問看護ステーション,0773-11-2222,医療法人ひかり,35.29,135.12")


def test_reimporting_an_unchanged_list_with_two_entries_at_one_name_and_address_changes_nothing(municipality):
    run = own_list(municipality, *HOSPITAL_AND_STATION)
    first = run()
    assert first.counts["created"] == 2
    ids = set(Facility.objects.values_list("pk", flat=True))

    for _ in range(2):
        again = run()
        assert (again.counts["created"], again.counts["updated"], again.counts["closed"],
                again.counts["unchanged"]) == (0, 0, 0, 2)
    assert set(Facility.objects.values_list("pk", flat=True)) == ids
    assert not Facility.objects.filter(status=Facility.Status.CLOSED).exists()


def test_a_dry_run_of_an_unchanged_list_would_change_nothing(municipality):
    run = own_list(municipality, *HOSPITAL_AND_STATION)
    run()

    dry = run(dry_run=True)

    assert not would_change(dry)
    assert dry.report["changes"] == []


@pytest.mark.parametrize(("row", "field"), [
    ("〇〇クリニック,京都府福知山市内記2-2,診療所,0773-22-2222,医療法人〇〇会,35.29,135.12", "name"),
    ("すずらん医院,京都府福知山市内記2-2,診療所,000-000-0000,医療法人すずらん,35.29,135.12", "phone"),
    ("すずらん医院,京都府福知山市内記2-2,診療所,0773-22-2222,-,35.29,135.12", "corporation_name"),
])
def test_obvious_placeholders_are_flagged_in_the_report(municipality, row, field):
    run = own_list(municipality, row)()

    assert run.outcome == ImportRun.Outcome.APPLIED
    flagged = run.report["placeholders"]
    assert field in {p["field"] for p in flagged}
    assert all(p["row"] == 2 and p["reason"] and p["reason_en"] for p in flagged)
    assert run.counts["placeholders"] == len(flagged)


def test_real_values_are_not_flagged(municipality):
    row = "すずらん医院,京都府福知山市内記2-2,診療所,0773-22-2222,医療法人すずらん,35.29,135.12"
    run = own_list(municipality, row)()
    assert run.report["placeholders"] == []


def test_the_dry_run_lists_each_changing_row_with_its_fields(municipality):
    own_list(municipality, *HOSPITAL_AND_STATION)()
    edited = own_list(municipality, "ひかり病院,京都府福知山市内記1-1,病院,0773-11-9999,医療法人ひかり,35.29,135.12",
                      HOSPITAL_AND_STATION[1], "あおば歯科,京都府福知山市内記3-3,歯科診療所,,,,")

    dry = edited(dry_run=True)

    hospital = Facility.objects.get(kind="hospital")
    assert would_change(dry)
    assert [(c["row"], c["facility_id"], c["change"], c["fields"]) for c in dry.report["changes"]] == [
        (2, hospital.pk, "updated", ["phone"]), (4, None, "created", [])]
    assert Facility.objects.get(kind="hospital").phone == "0773-11-1111"  # nothing written


def test_entries_left_without_a_position_are_counted_and_listed(municipality):
    run = own_list(municipality, HOSPITAL_AND_STATION[0], "あおば歯科,京都府福知山市内記3-3,歯科診療所,,,,")()

    assert run.counts["without_position"] == 1
    assert [(row["row"], row["name"]) for row in run.report["without_position"]] == [(3, "あおば歯科")]


def test_an_unchanged_entry_still_without_a_position_stays_on_the_list(municipality):
    run = own_list(municipality, "あおば歯科,京都府福知山市内記3-3,歯科診療所,,,,")
    run()

    again = run(dry_run=True)

    dental = Facility.objects.get()
    assert again.counts["unchanged"] == 1
    assert again.report["without_position"] == [{"row": 2, "facility_id": dental.pk, "name": "あおば歯科"}]
