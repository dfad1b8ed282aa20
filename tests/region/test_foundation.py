"""The region's foundation: the world builds, sheets are written and audited with the municipality as owner, and
the status rules answer as the issue says."""

import pytest
from django.core.exceptions import PermissionDenied

from renkei.core import policy
from renkei.core.models import AuditEntry
from renkei.region.models import Implementation, ItemStatus
from renkei.region.selectors.population import bands
from renkei.region.services.implementation import ImplementationError, ItemAnswer, implementation_save

from .factories import FY, answer

pytestmark = pytest.mark.django_db


def test_a_sheet_is_written_and_audited_with_the_municipality_as_owner(world):
    sheet = answer(world.fukuchiyama, "IIPNIIIN", membership=world.official)
    assert sheet.items.count() == 8
    assert sheet.items.get(item="c").status == ItemStatus.PLANNED
    assert sheet.confirmed_by == world.official
    entries = AuditEntry.objects.filter(object_type__startswith="region.")
    assert entries.exists()
    assert set(entries.values_list("owner_municipality_id", flat=True)) == {world.fukuchiyama.pk}


def test_only_the_municipality_s_own_staff_answer(world):
    for member in (world.neighbour_official, world.prefecture, world.coordinator, world.professional):
        with pytest.raises(PermissionDenied):
            answer(world.fukuchiyama, "IIIIIIII", membership=member)
    assert not Implementation.objects.exists()


def test_bad_answers_are_refused_with_reasons_and_nothing_is_written(world):
    with pytest.raises(ImplementationError) as error:
        implementation_save(membership=world.official, municipality=world.fukuchiyama, fiscal_year=FY,
                            items=[ItemAnswer(item="z", status="implemented"),
                                   ItemAnswer(item="a", status="maybe", stage="concrete")])
    assert "ア〜ク" in error.value.ja and "stage" in error.value.en
    assert not Implementation.objects.exists()


def test_who_reads_a_sheet(world):
    sheet = answer(world.fukuchiyama, "IIIIIIII")
    readers = {world.official, world.coordinator, world.prefecture, world.health_center_staff, world.admin}
    for member in readers:
        assert policy.check(member, "region.view_implementation", sheet), member
    for member in (world.neighbour_official, world.other_prefecture, world.other_official, world.professional):
        assert not policy.check(member, "region.view_implementation", sheet), member
    sheet.is_published = True
    sheet.save()
    assert policy.check(world.neighbour_official, "region.view_implementation", sheet)
    assert not policy.check(world.professional, "region.view_implementation", sheet)
    visible = policy.scope(world.other_prefecture, "region.view_implementation", Implementation.objects.all())
    assert not visible.exists()


def test_population_bands_come_from_the_imported_population(world):
    found = bands(world.kyoto_municipalities + [world.otsu], FY)
    assert found[world.ine.pk].ja == "1万人未満"
    assert found[world.fukuchiyama.pk].ja == "5万人以上10万人未満"
    assert found[world.otsu.pk].ja == "20万人以上50万人未満"
