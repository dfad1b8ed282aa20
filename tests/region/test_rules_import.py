"""Importing a coordination survey's answers: CSV or TSV, UTF-8 or CP932, hospitals matched in the prefecture's
directory, all or nothing with line numbers, one audit entry per row."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from renkei.core.models import AuditEntry
from renkei.region.models import CoordinationSurveyRow
from renkei.region.selectors.rules import survey_page
from renkei.region.services.rules import SurveyImportError, coordination_rows_import, coordination_survey_create

from .test_rules_world import build_rules_world

pytestmark = pytest.mark.django_db
HEADER = "病院名,区分,入院件数,入院時情報提供書提出なし,退院件数,退院調整なし\n"


@pytest.fixture
def rw():
    rw = build_rules_world()
    rw.survey = coordination_survey_create(membership=rw.world.prefecture, prefecture=rw.world.kyoto,
                                           area_group=rw.world.chutan, month=dt.date(2024, 5, 1), title="中丹 調査")
    return rw


def _import(rw, text: str, encoding: str = "utf-8", membership=None) -> int:
    return coordination_rows_import(membership=membership or rw.world.prefecture, survey=rw.survey,
                                    content=text.encode(encoding))


def test_a_csv_is_imported_with_hospitals_matched_in_the_directory(rw):
    count = _import(rw, HEADER + "市立福知山市民病院,病院,40,20,38,12\n居宅介護支援事業所あ,ケアマネ,30,15,28,9\n")
    assert count == 2
    hospital_row = CoordinationSurveyRow.objects.get(respondent_kind="hospital")
    assert hospital_row.hospital == rw.hospital and hospital_row.municipality == rw.world.fukuchiyama
    assert hospital_row.discharge_uncoordinated == 12


def test_a_cp932_tab_separated_file_is_read(rw):
    text = HEADER.replace(",", "\t") + "舞鶴医療センター\t病院\t10\t5\t10\t3\n"
    assert _import(rw, text, encoding="cp932") == 1


def test_an_unknown_hospital_and_a_bad_count_refuse_the_whole_file_with_their_lines(rw):
    text = HEADER + "市立福知山市民病院,病院,40,20,38,12\n架空病院,病院,10,1,10,1\n事業所い,ケアマネ,10,x,10,1\n"
    with pytest.raises(SurveyImportError) as error:
        _import(rw, text)
    assert [line for line, _ in error.value.problems] == [3, 4]
    assert "架空病院" in error.value.problems[0][1]
    assert not CoordinationSurveyRow.objects.exists()


def test_more_missing_than_admissions_is_refused_on_its_line(rw):
    with pytest.raises(SurveyImportError) as error:
        _import(rw, HEADER + "市立福知山市民病院,病院,10,11,10,1\n")
    assert error.value.problems[0][0] == 2 and "入院件数を超えています" in error.value.problems[0][1]


def test_a_file_without_the_headers_is_refused_on_line_one(rw):
    with pytest.raises(SurveyImportError) as error:
        _import(rw, "a,b,c\n1,2,3\n")
    assert error.value.problems[0][0] == 1


def test_a_new_file_replaces_the_answers_and_every_row_is_audited(rw):
    _import(rw, HEADER + "市立福知山市民病院,病院,40,20,38,12\n")
    before = AuditEntry.objects.count()
    _import(rw, HEADER + "舞鶴医療センター,病院,10,5,10,3\n事業所う,ケアマネ,5,1,5,1\n")
    assert CoordinationSurveyRow.objects.count() == 2
    assert AuditEntry.objects.count() - before == 3  # one deleted, two created
    assert set(AuditEntry.objects.filter(object_type__icontains="coordinationsurveyrow")
               .values_list("action", flat=True)) == {"create", "delete"}


def test_municipal_staff_may_not_import(rw):
    with pytest.raises(PermissionDenied):
        _import(rw, HEADER + "市立福知山市民病院,病院,40,20,38,12\n", membership=rw.world.official)


def test_the_survey_page_numbers_care_managers_and_gives_rates_per_kind(rw):
    _import(rw, HEADER + "市立福知山市民病院,病院,40,20,40,12\n山田ケアプラン,ケアマネ,60,30,60,18\n")
    page = survey_page(rw.world.prefecture, rw.survey)
    assert "山田ケアプラン" not in [row.label for row in page.rows]
    assert "ケアマネジャー 1" in [row.label for row in page.rows]
    assert str(page.total.uncoordinated_rate) == "30.0" and str(page.total.admission_info_missing_rate) == "50.0"
