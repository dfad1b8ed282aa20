"""One municipality's import, merge or survey approval never writes to another municipality's facility."""

import pytest
from django.utils.translation import gettext

from renkei.core.models import AuditEntry, Organization, Role
from renkei.core.selectors import audit_entries
from renkei.directory.models import Facility, FacilityIdentifier, ImportRun
from renkei.directory.services.imports import import_file

from ..factories import FacilityFactory, MembershipFactory, OrganizationFactory

STANDARD_HEADER = ("全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,医療機関の種類,所在地_連結表記,緯度,経度,"
                   "電話番号,FAX番号,法人番号,法人の名称,医療機関コード,診療科目,診療日,診療開始時間,診療終了時間,"
                   "診療日時備考,病床数,URL,備考")


def standard_file(*rows: str) -> bytes:
    return ("\ufeff" + STANDARD_HEADER + "\r\n" + "\r\n".join(rows) + "\r\n").encode("utf-8")


def staff_of(municipality, role=Role.MUNICIPAL_STAFF):
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=municipality,
                                 name=f"{municipality.name}役所")
    return MembershipFactory(role=role, organization=office)


@pytest.fixture
def foreign_clinic(other_municipality):
    """舞鶴市's clinic with its 医療機関コード."""
    clinic = FacilityFactory(name="まいづる医院", municipality=other_municipality, address="京都府舞鶴市字浜1",
                             phone="0773-62-0000")
    FacilityIdentifier.objects.create(facility=clinic, scheme="medical_institution_code", value="2610001")
    return clinic


def hijacking_row(municipality) -> bytes:
    """A row whose own codes say 福知山市 but whose 医療機関コード is 舞鶴市's clinic."""
    return standard_file(f"{municipality.code},1,福知山市,乗っ取り医院,,診療所,京都府福知山市内記1-1,,,"
                         "0773-00-9999,,,,2610001,,,,,,,,")


def test_a_row_resolving_to_another_municipalitys_facility_is_skipped_with_a_reason(
        municipality, other_municipality, foreign_clinic):
    staff = staff_of(municipality)

    run = import_file(source="municipal", file=hijacking_row(municipality), file_name="list.csv", membership=staff)

    foreign_clinic.refresh_from_db()
    assert (foreign_clinic.name, foreign_clinic.phone, foreign_clinic.address) == (
        "まいづる医院", "0773-62-0000", "京都府舞鶴市字浜1")
    assert (run.counts["updated"], run.counts["created"], run.counts["skipped_out_of_scope"]) == (0, 0, 1)
    skipped = run.report["skipped"]
    assert [row["row"] for row in skipped] == [2]
    assert "舞鶴市" in skipped[0]["reason"] and "Maizuru" not in skipped[0]["reason"]
    assert skipped[0]["reason_en"].startswith("The code matches")


def test_the_dry_run_does_not_offer_to_change_the_foreign_facility(municipality, foreign_clinic):
    staff = staff_of(municipality)

    run = import_file(source="municipal", file=hijacking_row(municipality), file_name="list.csv", membership=staff,
                      dry_run=True)

    assert run.report["changes"] == []
    assert run.report["skipped"][0]["facility_id"] == foreign_clinic.pk


def test_an_operator_importing_one_municipalitys_list_cannot_reach_another(municipality, foreign_clinic):
    run = import_file(source="municipal", file=hijacking_row(municipality), file_name="list.csv",
                      municipality=municipality)

    foreign_clinic.refresh_from_db()
    assert foreign_clinic.name == "まいづる医院"
    assert run.counts["skipped_out_of_scope"] == 1


def test_the_owner_may_still_update_its_own_facility_by_code(other_municipality, foreign_clinic):
    staff = staff_of(other_municipality)
    data = standard_file(f"{other_municipality.code},1,舞鶴市,まいづる新医院,,診療所,京都府舞鶴市字浜1,,,"
                         "0773-62-1111,,,,2610001,,,,,,,,")

    run = import_file(source="municipal", file=data, file_name="list.csv", membership=staff)

    foreign_clinic.refresh_from_db()
    assert (run.counts["updated"], foreign_clinic.name, foreign_clinic.phone) == (1, "まいづる新医院", "0773-62-1111")


def test_each_changed_facility_gets_its_own_audit_entry_visible_to_its_municipality(
        other_municipality, foreign_clinic):
    staff = staff_of(other_municipality)
    data = standard_file(f"{other_municipality.code},1,舞鶴市,まいづる新医院,,診療所,京都府舞鶴市字浜1,,,"
                         "0773-62-1111,,,,2610001,,,,,,,,",
                         f"{other_municipality.code},2,舞鶴市,あたらしい歯科,,歯科診療所,京都府舞鶴市字浜2,,,,,,,,,,,,,,,")

    run = import_file(source="municipal", file=data, file_name="list.csv", membership=staff)

    entries = AuditEntry.objects.filter(object_type="directory.facility", changes__import_run=run.pk)
    by_object = {entry.object_id: entry for entry in entries}
    created = Facility.objects.get(name="あたらしい歯科")
    assert set(by_object) == {str(foreign_clinic.pk), str(created.pk)}
    updated = by_object[str(foreign_clinic.pk)]
    assert {"name", "phone"} <= set(updated.changes["fields"])
    assert "0773-62-1111" not in str(updated.changes)  # that a field changed, not its value
    assert updated.owner_municipality_id == other_municipality.pk


def test_a_prefecture_import_shows_in_the_owner_municipalitys_audit(other_municipality, foreign_clinic):
    prefecture_office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None,
                                            prefecture=other_municipality.prefecture, name="京都府庁")
    prefecture_staff = MembershipFactory(role=Role.PREFECTURE_STAFF, organization=prefecture_office)
    data = standard_file(f"{other_municipality.code},1,舞鶴市,まいづる新医院,,診療所,京都府舞鶴市字浜1,,,"
                         ",,,,2610001,,,,,,,,")
    run = import_file(source="municipal", file=data, file_name="list.csv", membership=prefecture_staff,
                      municipality=other_municipality)
    assert run.outcome == ImportRun.Outcome.APPLIED

    owner = staff_of(other_municipality)
    visible = audit_entries(owner, object_type="directory.facility")
    assert visible.filter(object_id=str(foreign_clinic.pk), changes__import_run=run.pk).exists()


def test_the_skip_reason_reads_in_both_languages(municipality, foreign_clinic):
    run = import_file(source="municipal", file=hijacking_row(municipality), file_name="list.csv",
                      membership=staff_of(municipality))
    assert gettext("skipped (outside your municipality)")
    row = run.report["skipped"][0]
    assert row["reason"] and row["reason_en"] and row["reason"] != row["reason_en"]


def test_the_per_facility_entries_keep_the_audit_chain_intact_and_stay_out_of_other_municipalities_logs(
        municipality, other_municipality, foreign_clinic):
    from renkei.core import audit

    staff = staff_of(other_municipality)
    data = standard_file(f"{other_municipality.code},1,舞鶴市,まいづる新医院,,診療所,京都府舞鶴市字浜1,,,"
                         ",,,,2610001,,,,,,,,")
    import_file(source="municipal", file=data, file_name="list.csv", membership=staff)

    assert audit.verify().is_intact
    stranger = staff_of(municipality)
    assert not audit_entries(stranger, object_type="directory.facility").filter(
        object_id=str(foreign_clinic.pk)).exists()
