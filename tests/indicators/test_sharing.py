"""Sharing definitions as JSON packages: export, import (all or nothing), and the screens."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from renkei.core.models import AuditEntry
from renkei.indicators.models import IndicatorDefinition
from renkei.indicators.services.sharing import (
    DEFINITION_FIELDS,
    PackageError,
    definition_as_dict,
    definitions_export,
    definitions_import,
    package_read,
)

from ..conftest import client_for
from .factories import LibraryDefinitionFactory


@pytest.fixture
def own(places):
    return [LibraryDefinitionFactory(code="H01", owner_municipality=places.home, caveat="孤独死を含む",
                              area_levels=["municipality"], higher_is_better=None),
            LibraryDefinitionFactory(code="H02", owner_municipality=places.home, denominator_label="", factor=1)]


def test_the_export_holds_every_field_of_the_own_definitions_and_no_values(places, own):
    LibraryDefinitionFactory(code="BUILTIN")
    package = definitions_export(membership=places.members.city)
    assert package["format"] == "renkei-indicators" and package["version"] == 1
    assert [d["code"] for d in package["definitions"]] == ["H01", "H02"]
    assert set(package["definitions"][0]) == set(DEFINITION_FIELDS)
    assert package["definitions"][0]["caveat"] == "孤独死を含む"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_a_selection_out_of_reach_is_left_out_of_the_export(places, own):
    foreign = LibraryDefinitionFactory(code="O01", owner_municipality=places.other)
    package = definitions_export(membership=places.members.city, definition_ids=[own[0].pk, foreign.pk])
    assert [d["code"] for d in package["definitions"]] == ["H01"]


def test_export_then_import_elsewhere_gives_equal_definitions(places, own):
    package = json.loads(json.dumps(definitions_export(membership=places.members.city)))
    report = definitions_import(membership=places.members.other_city, package=package)
    assert report.applied and report.created == ["H01", "H02"] and not report.rejected
    for original in own:
        copy = IndicatorDefinition.objects.get(code=original.code, owner_municipality=places.other)
        assert definition_as_dict(copy) == definition_as_dict(original)
    again = definitions_import(membership=places.members.other_city, package=package)
    assert again.unchanged == ["H01", "H02"] and not again.created and not again.updated


def test_an_import_updates_own_definitions_by_code_and_never_touches_others(places, own):
    builtin = LibraryDefinitionFactory(code="EOL01", name_ja="組み込み")
    theirs = LibraryDefinitionFactory(code="H01", owner_municipality=places.other, name_ja="舞鶴のH01")
    package = {"format": "renkei-indicators", "version": 1, "definitions": [
        {**definition_as_dict(own[0]), "name_ja": "新しい名前"},
        {**definition_as_dict(builtin), "name_ja": "自分のEOL01"},
    ]}
    report = definitions_import(membership=places.members.city, package=package)
    assert report.updated == ["H01"] and report.created == ["EOL01"]
    own[0].refresh_from_db(), builtin.refresh_from_db(), theirs.refresh_from_db()
    assert own[0].name_ja == "新しい名前" and builtin.name_ja == "組み込み" and theirs.name_ja == "舞鶴のH01"
    assert IndicatorDefinition.objects.get(code="EOL01", owner_municipality=places.home).name_ja == "自分のEOL01"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, object_id=str(own[0].pk)).exists()


def test_prefecture_staff_import_shared_prefecture_definitions_their_municipalities_see(places, own):
    package = definitions_export(membership=places.members.city)
    report = definitions_import(membership=places.members.prefecture, package=package)
    assert report.applied
    imported = IndicatorDefinition.objects.filter(owner_prefecture=places.kyoto, owner_municipality__isnull=True)
    assert sorted(d.code for d in imported) == ["H01", "H02"] and all(d.is_shared for d in imported)
    from renkei.indicators.selectors.definitions import definitions_visible

    assert {d.pk for d in imported} <= {d.pk for d in definitions_visible(places.members.other_city)}


def test_one_bad_entry_rejects_the_whole_package_with_reasons_in_both_languages(places):
    good = {"code": "OK1", "name_ja": "よい", "kind": "process"}
    package = {"format": "renkei-indicators", "version": 1, "definitions": [
        good, {"code": "BAD1", "name_ja": "悪い", "kind": "nonsense"}, {"code": "bad code!", "name_ja": "x"},
        {"code": "OK1", "name_ja": "二度目", "kind": "process"}, {"code": "BAD2", "name_ja": "x", "kind": "process",
                                                                  "scenes": ["moon"]},
        {"code": "BAD3", "name_ja": "x", "kind": "process", "factor": 7}, "not an object",
        {"code": "BAD4", "name_ja": "x", "kind": "process", "colour": "red"},
        {"code": "BAD5", "name_ja": "x", "kind": "process", "unit": ["%"]},
    ]}
    report = definitions_import(membership=places.members.city, package=package)
    assert not report.applied
    assert [r["index"] for r in report.rejected] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert all(r["ja"] and r["en"] and r["ja"] != r["en"] for r in report.rejected)
    assert not IndicatorDefinition.objects.exists()


def test_a_dry_run_writes_nothing(places):
    package = {"format": "renkei-indicators", "version": 1,
               "definitions": [{"code": "OK1", "name_ja": "よい", "kind": "process"}]}
    report = definitions_import(membership=places.members.city, package=package, dry_run=True)
    assert report.created == ["OK1"] and not report.applied
    assert not IndicatorDefinition.objects.exists()


@pytest.mark.parametrize("data", [b"\xff\xfe", b"not json", b'{"format": "other"}', b"[]",
                                  b'{"format": "renkei-indicators", "version": 2, "definitions": []}',
                                  b'{"format": "renkei-indicators", "version": 1}'])
def test_files_that_are_not_packages_are_refused_with_a_reason(data):
    with pytest.raises(PackageError) as caught:
        package_read(data)
    assert caught.value.ja and caught.value.en


def test_the_screens_check_then_apply_a_package(places, own):
    client = client_for(places.members.other_city)
    download = client_for(places.members.city).get(reverse("indicators:definition_export"), {"download": "1"})
    assert download.status_code == 200 and download["Content-Type"].startswith("application/json")
    upload = SimpleUploadedFile("p.json", download.content, content_type="application/json")
    checked = client.post(reverse("indicators:definition_import"), {"file": upload})
    assert checked.status_code == 200
    assert not IndicatorDefinition.objects.filter(owner_municipality=places.other).exists()
    html = checked.content.decode()
    assert 'data-count="created">2<' in html and 'name="apply"' in html
    package_text = checked.context["package_text"]
    applied = client.post(reverse("indicators:definition_import"), {"package": package_text, "apply": "1"})
    assert applied.status_code == 302
    assert IndicatorDefinition.objects.filter(owner_municipality=places.other).count() == 2


def test_a_broken_upload_is_a_message_not_an_error(places):
    upload = SimpleUploadedFile("p.json", b"{broken", content_type="application/json")
    response = client_for(places.members.city).post(reverse("indicators:definition_import"), {"file": upload})
    assert response.status_code == 400 and 'class="error"' in response.content.decode()


def test_professionals_may_not_import(places):
    response = client_for(places.members.doctor).get(reverse("indicators:definition_import"))
    assert response.status_code == 403
