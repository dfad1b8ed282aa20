"""What the review of issue 13's parts found, kept fixed: a joint project cannot take in another municipality's
work, the prefecture reads proposals without the counts behind them, huge or malformed input gets a message, and a
change of 共同実施 partners is audited."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from renkei.core.joint_projects import check_joint_project
from renkei.core.models import AuditEntry
from renkei.region.models import ItemImplementation, Operation
from renkei.region.services.implementation import ItemAnswer, implementation_save
from renkei.region.services.rules import SurveyImportError, parse_rows
from renkei.region.views.rules import RowForm
from renkei.training.models import TrainingSeries
from tests.conftest import client_for
from tests.consult.factories import CaseFactory, DeskFactory

from .factories import FY
from .joint_factories import build_joint

pytestmark = pytest.mark.django_db


def test_a_member_cannot_attach_another_municipality_s_series_to_their_project(world):
    project = build_joint(world).project  # 福知山市 and 舞鶴市
    outsider = TrainingSeries(municipality=world.ine, title="伊根町の研修", fiscal_year=FY, joint_project=project)
    with pytest.raises(ValidationError):
        check_joint_project(world.neighbour_official, outsider)
    partner = TrainingSeries(municipality=world.maizuru, title="舞鶴市の研修", fiscal_year=FY, joint_project=project)
    check_joint_project(world.neighbour_official, partner)  # 舞鶴市 takes part: allowed


def test_the_prefecture_reads_the_proposal_but_not_the_desk_s_count_behind_it(world):
    desk = DeskFactory(municipality=world.fukuchiyama)
    CaseFactory(desk=desk, received_at=timezone.now())
    year = timezone.localdate().year if timezone.localdate().month >= 4 else timezone.localdate().year - 1
    url = f"/region/implementation/{world.fukuchiyama.code}/{year}/"
    own = client_for(world.official).get(url).content.decode()
    assert "件の相談を受付" in own
    prefecture = client_for(world.prefecture).get(url)
    assert prefecture.status_code == 200
    assert "件の相談を受付" not in prefecture.content.decode()


def test_a_huge_count_on_the_coordination_survey_form_is_refused():
    form = RowForm(data={"respondent_kind": "hospital", "respondent_name": "福知山病院", "admissions": 10 ** 20})
    assert not form.is_valid()
    assert "admissions" in form.errors


def test_a_field_too_long_for_csv_is_a_message_not_a_crash():
    text = "病院名,区分,入院件数\n" + '"' + "x" * 200_000 + '",病院,3\n'
    with pytest.raises(SurveyImportError) as error:
        parse_rows(text, hospitals_by_name={})
    assert "CSV として読めません" in str(error.value.problems)


def test_a_huge_population_is_refused_with_exit_code_1_and_nothing_written(world, tmp_path):
    path = tmp_path / "population.csv"
    path.write_text(f"市区町村コード,総人口,年度\n{world.fukuchiyama.code},99999999999999999,{FY}\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("implementation", "population", str(path), stderr=io.StringIO(), stdout=io.StringIO())
    assert error.value.returncode == 1


def test_a_huge_year_on_the_workspace_api_is_a_422(world, api_token_for):
    response = Client().get("/api/v1/region/workspace/statuses?fiscal_year=99999999999999999999",
                            HTTP_AUTHORIZATION=f"Bearer {api_token_for(world.prefecture)}")
    assert response.status_code == 422


def test_a_change_of_joint_partners_is_audited_with_the_municipality_as_owner(world):
    def save(partners):
        return implementation_save(membership=world.official, municipality=world.fukuchiyama, fiscal_year=FY, items=[
            ItemAnswer(item="f", status="implemented", operation=Operation.JOINT, joint_with_ids=partners)])

    save([world.maizuru.pk])
    save([world.maizuru.pk, world.ayabe.pk])
    row = ItemImplementation.objects.get(implementation__municipality=world.fukuchiyama, item="f")
    entries = AuditEntry.objects.filter(object_type__endswith="itemimplementation", object_id=str(row.pk),
                                        changes__has_key="joint_with")
    assert entries.count() == 2
    assert entries.order_by("seq").last().changes["joint_with"]["added"] == [world.ayabe.code]
    assert set(entries.values_list("owner_municipality_id", flat=True)) == {world.fukuchiyama.pk}
