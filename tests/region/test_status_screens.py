"""The implementation-status screens: the list, the questionnaire (pre-filled, draft, confirm, conflict, bad
input, read-only), and the proposals behind it."""

import datetime as dt

import pytest
from django.urls import reverse

from renkei.core.models import AuditEntry
from renkei.region.models import Implementation
from renkei.region.selectors.proposals import proposals
from tests.conftest import client_for
from tests.consult.factories import CaseFactory, DeskFactory
from tests.training.factories import ActivityFactory

from .factories import FY, answer

pytestmark = pytest.mark.django_db
LETTER = {"I": "implemented", "P": "planned", "N": "not_implemented"}


def url(municipality, year=FY):
    return reverse("region:implementation_answer", kwargs={"code": municipality.code, "fiscal_year": year})


def form_data(statuses="IIPNIIIN", **extra):
    data = {f"status_{item}": LETTER[s] for item, s in zip("abcdefgh", statuses, strict=True)}
    data.update({"action": "draft", "stage_b": "concrete"})
    data.update(extra)
    return data


def test_proposal_takes_the_strongest_suggestion_of_its_evidence(world):
    DeskFactory(municipality=world.fukuchiyama)  # a desk without cases: planned
    desk = DeskFactory(municipality=world.fukuchiyama)
    from django.utils import timezone
    CaseFactory(desk=desk, received_at=timezone.make_aware(dt.datetime(FY, 5, 1, 9)))
    proposal = proposals(world.fukuchiyama, FY)["e"]
    assert proposal.status == "implemented"
    assert proposal.evidence[0].figures == {"desks": 2, "cases": 1}


def test_an_item_without_evidence_has_no_proposal(world):
    proposal = proposals(world.ine, FY)["a"]
    assert (proposal.status, proposal.evidence) == ("", [])


def test_the_questionnaire_is_pre_filled_from_the_proposals(world):
    ActivityFactory(municipality=world.fukuchiyama, date=dt.date(FY, 9, 1))
    response = client_for(world.official).get(url(world.fukuchiyama))
    assert response.status_code == 200
    assert response.context["form"].initial["status_g"] == "implemented"
    assert response.context["form"].initial["status_a"] == ""



def test_evidence_links_lead_only_where_the_official_may_go(world):
    """The rota (ウ) is the professionals' screen: its evidence shows without a link; the awareness list (キ) links."""
    from renkei.provision.models import CoverGroup, RotaShift

    group = CoverGroup.objects.create(name="試験グループ", municipality=world.fukuchiyama)
    RotaShift.objects.create(group=group, date=dt.date(FY, 8, 1), kind="night", covering=world.professional)
    ActivityFactory(municipality=world.fukuchiyama, date=dt.date(FY, 9, 1))
    client = client_for(world.official)
    response = client.get(url(world.fukuchiyama))
    assert response.status_code == 200
    items = {entry["item"]: entry for entry in response.context["items"]}
    assert [link for _evidence, link in items["c"]["evidence"]] == [""]
    assert [link for _evidence, link in items["g"]["evidence"]] == [reverse("training:awareness_list")]
    html = response.content.decode()
    assert f'href="{reverse("provision:index")}"' not in html
    for _evidence, link in (pair for entry in items.values() for pair in entry["evidence"]):
        if link:
            assert client.get(link).status_code == 200, link

def test_the_questionnaire_is_pre_filled_from_the_saved_sheet(world):
    answer(world.fukuchiyama, "NNNNNNPN", confirm=False)
    ActivityFactory(municipality=world.fukuchiyama, date=dt.date(FY, 9, 1))
    response = client_for(world.official).get(url(world.fukuchiyama))
    assert response.context["form"].initial["status_g"] == "planned"


def test_saving_a_draft_writes_the_sheet_unconfirmed(world):
    response = client_for(world.official).post(url(world.fukuchiyama), form_data())
    assert response.status_code == 302
    sheet = Implementation.objects.get(municipality=world.fukuchiyama, fiscal_year=FY)
    assert sheet.confirmed_at is None
    assert dict(sheet.items.values_list("item", "status"))["c"] == "planned"
    assert sheet.items.get(item="b").stage == "concrete"


def test_confirming_records_who_confirmed(world):
    client_for(world.official).post(url(world.fukuchiyama), form_data(action="confirm"))
    sheet = Implementation.objects.get(municipality=world.fukuchiyama, fiscal_year=FY)
    assert sheet.confirmed_by == world.official
    assert sheet.confirmed_at is not None


def test_every_answer_change_is_audited_with_the_municipality_as_owner(world):
    client_for(world.official).post(url(world.fukuchiyama), form_data())
    entries = AuditEntry.objects.filter(object_type__in=["region.implementation", "region.itemimplementation"])
    assert entries.count() >= 9
    assert set(entries.values_list("owner_municipality_id", flat=True)) == {world.fukuchiyama.pk}


def test_a_stale_save_shows_the_conflict_screen(world):
    sheet = answer(world.fukuchiyama, "IIIIIIII", confirm=False)
    opened_at = sheet.version
    answer(world.fukuchiyama, "NNNNNNNN", confirm=False)  # someone else saves in between
    response = client_for(world.official).post(url(world.fukuchiyama), form_data(version=str(opened_at)))
    assert response.status_code == 409
    assert response.context["conflict"]["rows"]
    assert dict(Implementation.objects.get(pk=sheet.pk).items.values_list("item", "status"))["a"] == "not_implemented"


def test_a_missing_status_is_a_form_error_not_a_crash(world):
    data = form_data()
    del data["status_a"]
    response = client_for(world.official).post(url(world.fukuchiyama), data)
    assert response.status_code == 400
    assert "status_a" in response.context["form"].errors
    assert not Implementation.objects.exists()


def test_an_unknown_choice_is_refused_with_a_message(world):
    response = client_for(world.official).post(url(world.fukuchiyama), form_data(status_a="sometimes",
                                                                                  difficulties=["q40_99"]))
    assert response.status_code == 400
    assert {"status_a", "difficulties"} <= set(response.context["form"].errors)


def test_partners_without_joint_running_are_refused(world):
    response = client_for(world.official).post(url(world.fukuchiyama), form_data(
        operation_h="direct", joint_with_h=[str(world.ayabe.pk)]))
    assert response.status_code == 400
    assert "joint_with_h" in response.context["form"].errors


def test_joint_running_with_partners_is_saved(world):
    client_for(world.official).post(url(world.fukuchiyama), form_data(
        operation_h="joint", joint_with_h=[str(world.ayabe.pk), str(world.maizuru.pk)], supported_h="yes"))
    row = Implementation.objects.get(municipality=world.fukuchiyama).items.get(item="h")
    assert set(row.joint_with.values_list("code", flat=True)) == {world.ayabe.code, world.maizuru.code}
    assert row.prefecture_supported is True


def test_prefecture_staff_read_the_sheet_without_a_form(world):
    answer(world.fukuchiyama, "IIPNIIIN")
    response = client_for(world.prefecture).get(url(world.fukuchiyama))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert response.context["items"][0]["row"].status == "implemented"


def test_prefecture_staff_cannot_post_answers(world):
    response = client_for(world.prefecture).post(url(world.fukuchiyama), form_data())
    assert response.status_code == 403
    assert not Implementation.objects.exists()


def test_another_municipality_cannot_open_the_questionnaire(world):
    assert client_for(world.neighbour_official).get(url(world.fukuchiyama)).status_code == 403


def test_another_prefecture_cannot_read_the_sheet(world):
    answer(world.fukuchiyama, "IIPNIIIN")
    assert client_for(world.other_prefecture).get(url(world.fukuchiyama)).status_code == 403


def test_the_municipality_list_shows_its_sheets_by_year(world):
    answer(world.fukuchiyama, "IPNNNNNN", fiscal_year=FY - 1)
    answer(world.fukuchiyama, "IIPNIIIN")
    response = client_for(world.official).get(reverse("region:implementation_list"))
    years = {year: row for year, row in response.context["years"] if row}
    assert {FY - 1, FY} <= set(years)
    assert years[FY].implemented_count == 5


def test_the_prefecture_list_shows_each_municipality_for_the_year(world):
    answer(world.fukuchiyama, "IIPNIIIN")
    answer(world.maizuru, "NNNNNNNN", confirm=False)
    response = client_for(world.prefecture).get(reverse("region:implementation_list") + f"?year={FY}")
    states = {row.municipality.name: row.state for row in response.context["rows"]}
    assert states == {"福知山市": "confirmed", "舞鶴市": "answered", "綾部市": "none", "伊根町": "none"}


def test_the_matrix_selector_reads_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    from renkei.region.selectors.implementation import status_matrix

    for municipality in world.kyoto_municipalities:
        answer(municipality, "IIPNIIIN")
    with django_assert_max_num_queries(6):
        rows = status_matrix(world.prefecture, world.kyoto, FY)
        assert sum(row.implemented_count for row in rows) == 20


def test_professionals_cannot_open_the_list(world):
    assert client_for(world.professional).get(reverse("region:implementation_list")).status_code == 403
