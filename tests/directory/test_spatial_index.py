"""The spatial index changes only when a position, status or kind does, in this process and in others."""

import pytest

from renkei.core import audit
from renkei.core.models import AuditEntry
from renkei.directory import spatial
from renkei.directory.models import Facility
from renkei.directory.services.facilities import facility_close, facility_reopen, facility_save
from renkei.directory.services.imports import import_file

from ..factories import FacilityFactory
from .test_import_support import facility_header, facility_row, make_kumamoto, write_mhlw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_spatial_index")]

HERE = (35.2966, 135.1264)  # central 福知山, where the factory puts facilities
ELSEWHERE = (35.0116, 135.7681)  # 京都市, some 60 km away


@pytest.fixture
def clinic(municipality):
    facility = FacilityFactory(municipality=municipality, name="内記ホームクリニック")
    FacilityFactory(municipality=municipality, name="隣の医院")
    return facility


def nearby_ids(point, radius_km=2.0, **kwargs):
    return [facility_id for facility_id, _distance in spatial.facilities_within(*point, radius_km, **kwargs)]


def built_after(change) -> int:
    """How many times the index is built by the first search after `change()`."""
    spatial.current_index()
    before = spatial.build_count()
    change()
    spatial.current_index()
    return spatial.build_count() - before


def test_a_description_edit_does_not_rebuild_the_spatial_index(clinic):
    def edit():
        clinic.description = "訪問診療に力を入れています。"
        facility_save(facility=clinic)

    assert built_after(edit) == 0
    assert AuditEntry.objects.filter(object_id=str(clinic.pk), changes__has_key="description").exists()


@pytest.mark.parametrize(("field", "value"), [("phone", "0773-99-9999"), ("name", "改名クリニック")])
def test_a_phone_or_name_edit_does_not_rebuild_the_spatial_index(clinic, field, value):
    def edit():
        setattr(clinic, field, value)
        facility_save(facility=clinic)

    assert built_after(edit) == 0


def test_a_moved_facility_is_found_at_its_new_position(clinic):
    assert clinic.pk in nearby_ids(HERE)

    def move():
        clinic.latitude, clinic.longitude = ELSEWHERE
        facility_save(facility=clinic)

    assert built_after(move) == 1
    assert clinic.pk not in nearby_ids(HERE)
    assert clinic.pk in nearby_ids(ELSEWHERE)


def test_a_facility_moved_by_another_process_is_found_at_its_new_position(clinic):
    # Another worker's write: no counter of this process moves, only the shared audit log tells.
    assert clinic.pk in nearby_ids(HERE)
    Facility.objects.filter(pk=clinic.pk).update(latitude=ELSEWHERE[0], longitude=ELSEWHERE[1])
    audit.record(action=AuditEntry.Action.UPDATE, obj=clinic, changes={"latitude": [HERE[0], ELSEWHERE[0]]})
    assert nearby_ids(ELSEWHERE) == [clinic.pk]
    assert clinic.pk not in nearby_ids(HERE)


def test_a_closed_facility_disappears_from_nearby_without_a_rebuild(clinic):
    assert built_after(lambda: facility_close(facility=clinic, reason="閉院")) == 0
    assert clinic.pk not in nearby_ids(HERE)
    assert clinic.pk in nearby_ids(HERE, include_closed=True)
    assert built_after(lambda: facility_reopen(facility=clinic)) == 0
    assert clinic.pk in nearby_ids(HERE)


def test_a_kind_change_is_seen_by_the_next_search(clinic):
    clinic.kind = "pharmacy"
    facility_save(facility=clinic)
    assert nearby_ids(HERE, kinds=["pharmacy"]) == [clinic.pk]
    assert clinic.pk not in nearby_ids(HERE, kinds=["clinic"])


def test_a_new_facility_is_found_by_the_next_search(clinic, municipality):
    spatial.current_index()
    added = FacilityFactory(municipality=municipality, latitude=ELSEWHERE[0], longitude=ELSEWHERE[1])
    assert nearby_ids(ELSEWHERE) == [added.pk]


def test_an_import_of_unchanged_rows_does_not_rebuild_the_spatial_index(tmp_path):
    make_kumamoto()
    path = write_mhlw(tmp_path / "01-1_hospital_facility_info_20260601.csv", facility_header(),
                      [facility_row("4310000000001", "熊本中央病院", "熊本市中央区新屋敷1-17-1")])
    import_file(source="mhlw", file=path, file_name=path.name)

    def import_again():
        run = import_file(source="mhlw", file=path, file_name=path.name)
        assert run.counts["unchanged"] == 1, (run.outcome, run.counts, run.messages)

    assert built_after(import_again) == 0


def test_an_import_that_moves_a_facility_is_seen_by_the_next_search(tmp_path):
    make_kumamoto()
    first = tmp_path / "first"
    first.mkdir()
    old = write_mhlw(first / "01-1_hospital_facility_info_20260101.csv", facility_header(),
                     [facility_row("4310000000001", "熊本中央病院", "熊本市中央区新屋敷1-17-1")])
    import_file(source="mhlw", file=old, file_name=old.name)
    hospital = Facility.objects.get()
    assert nearby_ids((32.80, 130.70)) == [hospital.pk]
    path = write_mhlw(tmp_path / "01-1_hospital_facility_info_20260601.csv", facility_header(),
                      [facility_row("4310000000001", "熊本中央病院", "熊本市中央区新屋敷1-17-1", lat="32.90")])
    assert import_file(source="mhlw", file=path, file_name=path.name).counts["updated"] == 1
    assert nearby_ids((32.80, 130.70)) == []
    assert nearby_ids((32.90, 130.70)) == [hospital.pk]
