"""Councils: who sees which body, the bodies tree, the body's page and form, seats."""

import pytest
from django.urls import reverse

from renkei.core import policy
from renkei.core.models import AuditEntry, Role
from renkei.pdca.models import Action, Council, CouncilMember, Issue, Meeting
from renkei.pdca.selectors import councils as selectors
from renkei.pdca.services import councils as council_services

from ..core.test_link_walk import internal_links
from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_council_member_sees_their_body_and_not_another(councils):
    doctor = councils.doctor
    assert policy.check(doctor, "pdca.view_council", councils.council)
    assert not policy.check(doctor, "pdca.view_council", councils.small)
    assert not policy.check(doctor, "pdca.view_council", councils.wg)  # a seat on the council is not one on its WG
    assert set(policy.scope(doctor, "pdca.view_council", Council.objects.all())) == {councils.council}
    assert set(policy.scope(doctor, "pdca.view_council", Meeting.objects.all())) == {councils.meeting}


def test_a_working_group_member_sees_only_the_working_group(councils):
    nurse = councils.nurse
    assert set(policy.scope(nurse, "pdca.view_council", Council.objects.all())) == {councils.wg}
    roots = selectors.councils_tree(nurse)
    assert [node.council for node in roots] == [councils.wg]  # its parent is not shown to them


def test_a_professional_without_a_seat_sees_no_body(councils, login_as):
    unseated = councils.unseated
    assert not policy.check(unseated, "pdca.view_council")
    assert not policy.scope(unseated, "pdca.view_council", Council.objects.all()).exists()
    assert not policy.scope(unseated, "pdca.view_council", Issue.objects.all()).exists()
    client = login_as(unseated)
    assert client.get(reverse("pdca:council_list")).status_code == 403
    assert client.get(reverse("pdca:council_detail", args=[councils.council.pk])).status_code == 403
    assert client.get(reverse("pdca:meeting_detail", args=[councils.meeting.pk])).status_code == 403


def test_an_ended_seat_no_longer_shows_the_body(councils):
    council_services.council_member_end(membership=councils.staff, member=councils.doctor_seat)
    assert not policy.check(councils.doctor, "pdca.view_council", councils.council)
    # They still own their actions: those stay visible to them, the body does not.
    assert policy.check(councils.doctor, "pdca.view_council", councils.overdue)
    assert set(policy.scope(councils.doctor, "pdca.view_council", Council.objects.all())) == set()


def test_staff_of_the_municipality_see_every_body_and_staff_of_another_none(councils):
    assert set(policy.scope(councils.staff, "pdca.view_council", Council.objects.all())) == {
        councils.council, councils.wg, councils.small}
    assert not policy.scope(councils.other_staff, "pdca.view_council", Council.objects.all()).exists()
    assert not policy.check(councils.other_staff, "pdca.view_council", councils.council)


def test_scopes_list_no_row_twice_with_several_seats(councils):
    CouncilMember.objects.create(council=councils.council, membership=councils.doctor, person_name="二つ目の席")
    assert policy.scope(councils.doctor, "pdca.view_council", Council.objects.all()).count() == 1
    assert policy.scope(councils.doctor, "pdca.view_council", Action.objects.all()).count() == 3


def test_the_council_list_shows_the_tree_with_working_groups_under_their_council(councils, login_as):
    response = login_as(councils.staff).get(reverse("pdca:council_list"))
    assert response.status_code == 200
    tree = response.context["tree"]
    assert [node.council.name for node in tree] == ["北部小さな協議体", "在宅医療・介護連携推進協議会"]
    assert [child.council for child in tree[1].children] == [councils.wg]


def test_the_doctors_council_list_shows_only_their_council(councils, login_as):
    html = login_as(councils.doctor).get(reverse("pdca:council_list")).content.decode()
    assert f'data-council="{councils.council.pk}"' in html
    assert f'data-council="{councils.small.pk}"' not in html and f'data-council="{councils.wg.pk}"' not in html


def test_the_council_page_lists_members_meetings_issues_and_open_actions(councils, login_as):
    response = login_as(councils.doctor).get(reverse("pdca:council_detail", args=[councils.council.pk]))
    assert response.status_code == 200
    assert {m.pk for m in response.context["members"]} == set(councils.council.members.values_list("pk", flat=True))
    assert list(response.context["meetings"]) == [councils.meeting]
    assert list(response.context["issues"]) == [councils.issue]
    assert [a.pk for a in response.context["actions"]] == [councils.overdue.pk, councils.soon.pk, councils.later.pk]
    html = response.content.decode()
    assert reverse("pdca:council_edit", args=[councils.council.pk]) not in html  # a member does not edit


def test_staff_create_a_working_group_under_a_council_and_it_is_audited(councils, login_as):
    client = login_as(councils.staff)
    response = client.post(reverse("pdca:council_create"), {
        "name": "看取り部会", "kind": "working_group", "parent": councils.council.pk, "purpose": "",
        "scenes": ["end_of_life"], "is_active": "on"})
    assert response.status_code == 302
    wg = Council.objects.get(name="看取り部会")
    assert wg.parent == councils.council and wg.municipality == councils.municipality and wg.scenes == ["end_of_life"]
    assert AuditEntry.objects.filter(action="create", object_id=str(wg.pk), object_type="pdca.council").exists()


def test_a_working_group_without_its_council_is_refused_with_a_message(councils, login_as):
    response = login_as(councils.staff).post(reverse("pdca:council_create"), {
        "name": "WG", "kind": "working_group", "parent": "", "is_active": "on"})
    assert response.status_code == 400
    assert response.context["form"].errors["parent"]


def test_a_council_member_cannot_edit_the_council(councils, login_as):
    client = login_as(councils.doctor)
    assert client.get(reverse("pdca:council_edit", args=[councils.council.pk])).status_code == 403
    response = client.post(reverse("pdca:council_edit", args=[councils.council.pk]), {
        "name": "乗っ取り", "kind": "council", "is_active": "on", "version": 1})
    assert response.status_code == 403
    councils.council.refresh_from_db()
    assert councils.council.name == "在宅医療・介護連携推進協議会"


def test_staff_of_another_city_cannot_edit_the_council(councils):
    councils.council.name = "他市の変更"
    with pytest.raises(Exception):  # noqa: B017  (PermissionDenied)
        council_services.council_save(membership=councils.other_staff, council=councils.council)


def test_a_stale_council_edit_gets_the_conflict_screen(councils, login_as):
    client = login_as(councils.staff)
    url = reverse("pdca:council_edit", args=[councils.council.pk])
    opened = councils.council.version
    council_services.council_save(membership=councils.coordinator, council=Council.objects.get(pk=councils.council.pk))
    response = client.post(url, {"name": "新しい名前", "kind": "council", "is_active": "on", "version": opened})
    assert response.status_code == 409
    assert response.context["conflict"]["current_version"] == opened + 1
    councils.council.refresh_from_db()
    assert councils.council.name == "在宅医療・介護連携推進協議会"


def test_a_seat_for_a_renkei_member_takes_their_organization_and_profession(councils, login_as):
    client = login_as(councils.staff)
    response = client.post(reverse("pdca:member_create", args=[councils.small.pk]), {
        "membership": councils.unseated.pk, "position": "member"})
    assert response.status_code == 302
    seat = CouncilMember.objects.get(council=councils.small, membership=councils.unseated)
    assert seat.organization == councils.clinic and seat.profession == "pharmacist"
    assert policy.check(councils.unseated, "pdca.view_council", councils.small)


def test_a_seat_needs_an_organization_or_a_person(councils, login_as):
    response = login_as(councils.staff).post(reverse("pdca:member_create", args=[councils.small.pk]),
                                             {"position": "member"})
    assert response.status_code == 400
    assert not councils.small.members.exists()


def walk_pdca(client, start: list[str]) -> tuple[dict[str, int], list[str]]:
    """The link walk of tests/core/test_link_walk.py, kept to the PDCA screens (and the home page's links into
    them) so that it runs in seconds: every /pdca/ link on a page the role reaches must open."""
    seen: dict[str, int] = {}
    failures = []
    queue = [(url, "(start)") for url in start]
    while queue:
        url, found_on = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code in (403, 500):
            failures.append(f"{url} answers {response.status_code} (linked from {found_on})")
            continue
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            queue += [(link, url) for link in internal_links(response.content.decode())
                      if link.startswith("/pdca/") and link not in seen]
    return seen, failures


ROLES = ["staff", "coordinator", "doctor", "nurse", "unseated", "other_staff"]


@pytest.mark.parametrize("role", ROLES)
def test_no_councils_page_links_to_a_page_the_role_is_refused(councils, role, login_as):
    membership = getattr(councils, role)
    start = ["/", reverse("pdca:council_list"), reverse("pdca:issue_list"), reverse("pdca:action_list"),
             reverse("pdca:action_list") + "?mine=1"]
    if policy.check(membership, "pdca.view_council", councils.council):
        start.append(reverse("pdca:council_detail", args=[councils.council.pk]))
    if policy.check(membership, "pdca.view_council", councils.overdue):
        start.append(reverse("pdca:action_detail", args=[councils.overdue.pk]))
    client = login_as(membership)
    seen, failures = walk_pdca(client, [url for url in start if client.get(url).status_code != 403])
    assert not failures, "\n".join(failures)
    if role in ("staff", "doctor"):
        assert seen.get(reverse("pdca:meeting_detail", args=[councils.meeting.pk])) == 200
        assert seen.get(reverse("pdca:action_update", args=[councils.overdue.pk])) == 200


def test_a_lapsed_membership_with_a_seat_sees_nothing(councils):
    councils.doctor.is_active = False
    councils.doctor.save()
    assert not policy.check(councils.doctor, "pdca.view_council", councils.council)
    assert not policy.scope(councils.doctor, "pdca.view_council", Council.objects.all()).exists()


def test_prefecture_staff_read_the_councils_of_their_prefecture(councils, municipality):
    from renkei.core.models import Organization

    from ..factories import OrganizationFactory

    office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None,
                                 prefecture=municipality.prefecture)
    prefecture = MembershipFactory(role=Role.PREFECTURE_STAFF, organization=office)
    assert policy.check(prefecture, "pdca.view_council", councils.council)
    assert not policy.check(prefecture, "pdca.manage_council", councils.council)


def test_the_council_page_costs_the_same_queries_for_5_or_50_actions(councils, login_as,
                                                                     django_assert_max_num_queries):
    import datetime as dt

    from django.utils import timezone

    def add(count):
        Action.objects.bulk_create([
            Action(municipality=councils.municipality, meeting=councils.meeting, title=f"取組{n}",
                   owner=councils.doctor, due_on=timezone.localdate() + dt.timedelta(days=n)) for n in range(count)])

    client = login_as(councils.doctor)
    url = reverse("pdca:council_detail", args=[councils.council.pk])
    add(5)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    add(45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
