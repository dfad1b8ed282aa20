"""Each role lands on its own dashboard."""

import pytest

from renkei.core.models import Organization, Role
from tests.factories import MembershipFactory, OrganizationFactory, TOTPDeviceFactory

pytestmark = pytest.mark.django_db


def test_municipal_staff_see_resources_by_kind_with_gaps_as_zero(login_as, municipality):
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=municipality)
    OrganizationFactory(kind=Organization.Kind.PHARMACY, municipality=municipality)
    OrganizationFactory(kind=Organization.Kind.PHARMACY, municipality=municipality)
    response = login_as(MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office)).get("/")
    rows = {row["kind"]: row["count"] for row in response.context["summary"]["organizations_by_kind"]}
    assert rows[Organization.Kind.PHARMACY] == 2
    assert rows[Organization.Kind.VISITING_NURSING_STATION] == 0
    assert len(rows) == len(Organization.Kind.choices)


def test_system_administrators_see_who_still_lacks_a_second_factor(login_as, municipality):
    office = OrganizationFactory(municipality=municipality)
    admin = MembershipFactory(role=Role.SYSTEM_ADMIN, organization=office)
    TOTPDeviceFactory(user=admin.user)
    MembershipFactory(role=Role.PROFESSIONAL, organization=office)  # no device yet
    MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office)  # not required
    summary = login_as(admin).get("/").context["summary"]
    assert summary["users_without_two_factor"] == 1
    assert summary["role_template"] == "core/_home_system_admin.html"


def test_professionals_get_the_care_team_panel_and_no_audit_log(login_as, municipality):
    response = login_as(MembershipFactory(role=Role.PROFESSIONAL)).get("/")
    assert response.status_code == 200
    assert "recent_audit" not in response.context["summary"]
    assert "core/_home_professional.html" in [t.name for t in response.templates]


def test_prefecture_staff_see_their_prefecture(login_as, municipality):
    pref_office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None,
                                      prefecture=municipality.prefecture)
    OrganizationFactory(kind=Organization.Kind.HOSPITAL, municipality=municipality)
    summary = login_as(MembershipFactory(role=Role.PREFECTURE_STAFF, organization=pref_office)).get("/").context[
        "summary"]
    rows = {row["kind"]: row["count"] for row in summary["organizations_by_kind"]}
    assert rows[Organization.Kind.HOSPITAL] == 1
    assert rows[Organization.Kind.PREFECTURE_OFFICE] == 1


def test_create_admin_makes_a_system_administrator_in_the_municipality_office(municipality, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("RENKEI_ADMIN_PASSWORD", "First-Admin-Pass-7!")
    call_command("create-admin", "Chief@City.example.jp", municipality.code, "--name", "管理者")
    membership = MembershipFactory._meta.model.objects.get(user__email="chief@city.example.jp")
    assert membership.role == Role.SYSTEM_ADMIN
    assert membership.organization.kind == Organization.Kind.MUNICIPALITY_OFFICE
    assert membership.user.check_password("First-Admin-Pass-7!")


def test_create_admin_refuses_a_weak_password(municipality, monkeypatch):
    from django.core.management import CommandError, call_command

    monkeypatch.setenv("RENKEI_ADMIN_PASSWORD", "password")
    with pytest.raises(CommandError):
        call_command("create-admin", "weak@city.example.jp", municipality.code)
    assert not MembershipFactory._meta.model.objects.filter(user__email="weak@city.example.jp").exists()


# --- the attention section: what needs the person first ---------------------------------------------

def _failed_job(municipality, **kwargs):
    from renkei.core.models import Job

    return Job.objects.create(kind="directory.coverage", status=Job.Status.FAILED, municipality=municipality,
                              prefecture=municipality.prefecture, error="失敗しました", **kwargs)


def municipal_office_of(municipality):
    return OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=municipality)


def test_staff_see_failed_jobs_they_may_retry_linked_to_the_jobs_screen(login_as, municipality, municipal_office):
    _failed_job(municipality, key="coverage:1")
    client = login_as(MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=municipal_office))
    (item,) = client.get("/").context["attention"]
    assert item.url == "/jobs/?status=failed"
    assert " 1 " in item.text  # 失敗したバックグラウンド処理が 1 件あります
    assert client.get(item.url).status_code == 200


def test_a_failed_job_followed_by_a_newer_one_for_the_same_work_needs_nothing(login_as, municipality,
                                                                               municipal_office):
    from renkei.core.models import Job

    _failed_job(municipality, key="coverage:1")
    Job.objects.create(kind="directory.coverage", status=Job.Status.SUCCEEDED, municipality=municipality,
                       prefecture=municipality.prefecture, key="coverage:1")
    _failed_job(municipality, key="")  # no key: nothing stands for it
    client = login_as(MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=municipal_office))
    (item,) = client.get("/").context["attention"]
    assert " 1 " in item.text  # 失敗したバックグラウンド処理が 1 件あります


def test_professionals_and_other_municipalities_never_see_a_job_they_could_not_retry(login_as, municipality,
                                                                                     other_municipality):
    _failed_job(municipality, key="coverage:1")
    other_office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=other_municipality)
    for membership in (MembershipFactory(role=Role.PROFESSIONAL, organization=municipal_office_of(municipality)),
                       MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=other_office)):
        assert not [item for item in login_as(membership).get("/").context["attention"] if "/jobs/" in item.url]


def test_attention_items_come_from_registered_providers_things_to_do_first(municipality, monkeypatch):
    from renkei.core import dashboard

    member = MembershipFactory(role=Role.MUNICIPAL_STAFF)
    monkeypatch.setattr(dashboard, "_attention_providers", [
        lambda m: [dashboard.AttentionItem(text="情報", tone=dashboard.INFO, order=1)],
        lambda m: [dashboard.AttentionItem(text="二番目", order=20), dashboard.AttentionItem(text="一番目", order=10)],
    ])
    assert [item.text for item in dashboard.attention_for(member)] == ["一番目", "二番目", "情報"]


def test_a_link_is_shown_only_when_the_policy_lets_the_person_follow_it(municipality, monkeypatch):
    from renkei.core import dashboard

    Item = dashboard.AttentionItem
    monkeypatch.setattr(dashboard, "_attention_providers", [lambda m: [
        Item(text="監査", url="/audit/", action="core.view_audit"),
        Item(text="規則のないリンク", url="/audit/"),  # a link without a rule fails closed
        Item(text="リンクのない文"),
    ]])
    professional = MembershipFactory(role=Role.PROFESSIONAL)
    staff = MembershipFactory(role=Role.MUNICIPAL_STAFF)
    assert [item.text for item in dashboard.attention_for(professional)] == ["リンクのない文"]
    assert [item.text for item in dashboard.attention_for(staff)] == ["監査", "リンクのない文"]


def test_the_attention_section_says_when_nothing_needs_the_person(login_as):
    response = login_as(MembershipFactory(role=Role.PROFESSIONAL, organization=OrganizationFactory(
        kind=Organization.Kind.MEDICAL_ASSOCIATION))).get("/")
    html = response.content.decode()
    assert response.context["attention"] == []
    assert 'id="attention"' in html and 'class="attention-empty"' in html
