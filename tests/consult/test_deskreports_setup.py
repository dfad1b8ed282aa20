"""Setting up a desk: create and edit it, seat members and end seats (rows kept, audited), the topics; the landing
page for each kind of person; bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from renkei.consult.models import Desk, DeskMember, Topic
from renkei.consult.selectors.desks import managed_desks, seat_candidates, seated_desks
from renkei.consult.services import desks as services
from renkei.core.models import AuditEntry, Organization, Role
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrganizationFactory

from .factories import case_received


def test_municipal_staff_create_a_desk_run_by_an_organization_of_the_municipality(world):
    operator = world.coordinator.organization
    response = client_for(world.other_official).post(
        f"/desk/new/?municipality={world.municipality.code}",
        {"name": "第二相談窓口", "operator": operator.pk, "phone": "0773-00-1111", "municipality":
         world.municipality.code})
    desk = Desk.objects.get(name="第二相談窓口")
    assert response.status_code == 302 and response["Location"] == f"/desk/{desk.pk}/"
    assert desk.municipality == world.municipality and desk.operator == operator
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=str(desk.pk),
                                     object_type="consult.desk").exists()


def test_an_organization_of_another_municipality_cannot_run_the_desk(world):
    foreign = world.neighbour_desk.operator
    response = client_for(world.other_official).post(
        f"/desk/new/?municipality={world.municipality.code}", {"name": "窓口", "operator": foreign.pk})
    assert response.status_code == 400
    with pytest.raises(ValidationError):
        services.desk_create(membership=world.other_official, municipality=world.municipality,
                             desk=Desk(name="窓口", operator=foreign))


def test_editing_the_desk_checks_the_version(world):
    client = client_for(world.official)
    url = f"/desk/{world.desk.pk}/edit/"
    data = {"name": world.desk.name, "phone": "0773-99-9999", "is_active": "on", "version": world.desk.version,
            "operator": world.desk.operator_id}
    assert client.post(url, data).status_code == 302
    world.desk.refresh_from_db()
    assert world.desk.phone == "0773-99-9999"
    stale = client.post(url, {**data, "phone": "0773-11-1111"})  # the version the form was opened with is old
    assert stale.status_code == 409


def test_a_member_is_seated_and_the_seat_ended_keeping_the_row(world):
    newcomer = MembershipFactory(role=Role.COORDINATOR, organization=world.coordinator.organization)
    client = client_for(world.official)
    assert client.post(f"/desk/{world.desk.pk}/members/", {"membership": newcomer.pk}).status_code == 302
    seat = DeskMember.objects.get(desk=world.desk, membership=newcomer)
    assert seat.is_active
    assert client.post(f"/desk/{world.desk.pk}/members/{seat.pk}/end/").status_code == 302
    seat.refresh_from_db()
    assert not seat.is_active and seat.ended_at is not None
    entries = AuditEntry.objects.filter(object_type="consult.deskmember", object_id=str(seat.pk))
    assert {e.action for e in entries} == {AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE}
    # Seated again: the same row opens again.
    services.desk_member_add(membership=world.official, desk=world.desk, member=newcomer)
    seat.refresh_from_db()
    assert seat.is_active and seat.ended_at is None and DeskMember.objects.filter(membership=newcomer).count() == 1


def test_only_coordinators_and_staff_of_the_municipality_or_the_operator_can_be_seated(world):
    candidates = set(seat_candidates(world.desk))
    assert world.other_official in candidates and world.other_coordinator in candidates
    assert world.coordinator not in candidates  # already seated
    for outsider in (world.care_manager, world.neighbour_coordinator, world.prefecture):
        assert outsider not in candidates
        with pytest.raises(ValidationError):
            services.desk_member_add(membership=world.official, desk=world.desk, member=outsider)
    response = client_for(world.official).post(f"/desk/{world.desk.pk}/members/",
                                               {"membership": world.care_manager.pk})
    assert response.status_code == 400


def test_a_seat_of_another_desk_cannot_be_ended_through_this_desk(world):
    other_seat = world.neighbour_desk.members.get()
    response = client_for(world.official).post(f"/desk/{world.desk.pk}/members/{other_seat.pk}/end/")
    assert response.status_code == 404
    other_seat.refresh_from_db()
    assert other_seat.is_active


def test_topics_are_added_with_a_generated_code_renamed_and_deactivated_never_deleted(world):
    client = client_for(world.coordinator)
    url = f"/desk/topics/?municipality={world.municipality.code}"
    assert client.post(url, {"action": "add", "new-name_ja": "成年後見の相談", "new-scene": ""}).status_code == 302
    assert client.post(url, {"action": "add", "new-name_ja": "ごみ屋敷", "new-scene": "daily_care"}).status_code == 302
    first, second = Topic.objects.filter(municipality=world.municipality).order_by("code")
    assert (first.code, second.code) == ("own-001", "own-002") and first.order > 170
    case_received(world).topics.add(first)
    prefix = f"t{first.pk}"
    assert client.post(url, {"action": "save", "topic": first.pk, f"{prefix}-name_ja": "成年後見制度",
                             f"{prefix}-scene": "", f"{prefix}-order": 5}).status_code == 302
    assert client.post(url, {"action": "deactivate", "topic": first.pk}).status_code == 302
    first.refresh_from_db()
    assert (first.name_ja, first.order, first.is_active, first.code) == ("成年後見制度", 5, False, "own-001")
    assert first.cases.count() == 1


def test_the_national_topics_cannot_be_changed(world):
    national = world.topic("acp")
    response = client_for(world.official).post(f"/desk/topics/?municipality={world.municipality.code}",
                                               {"action": "deactivate", "topic": national.pk})
    assert response.status_code == 400
    national.refresh_from_db()
    assert national.is_active
    with pytest.raises(ValidationError):
        services.topic_set_active(membership=world.official, topic=national, is_active=False)


def test_an_empty_topic_is_refused_with_a_message(world):
    response = client_for(world.official).post(f"/desk/topics/?municipality={world.municipality.code}",
                                               {"action": "add", "new-name_ja": ""})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()


def test_the_landing_page_shows_each_person_what_they_may(world):
    case_received(world, days_ago=40)
    case_received(world, days_ago=2)
    member = client_for(world.coordinator).get("/desk/").content.decode()
    assert f"/desk/{world.desk.pk}/" in member and "/desk/new/" not in member
    row = seated_desks(world.coordinator)[0]
    assert (row.open, row.overdue) == (2, 1)
    staff = client_for(world.other_official).get("/desk/").content.decode()
    assert "/desk/new/" in staff and f"/desk/{world.desk.pk}/" in staff
    prefecture = client_for(world.prefecture).get("/desk/").content.decode()
    assert f'value="{world.municipality.code}"' in prefecture and f'value="{world.neighbour_desk.municipality.code}"' \
        in prefecture and "/desk/new/" not in prefecture and f"/desk/{world.desk.pk}/" not in prefecture
    professional = client_for(world.care_manager).get("/desk/")
    assert professional.status_code == 200 and "/desk/report/" not in professional.content.decode()


def test_the_desk_lists_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    from .factories import DeskFactory

    for _ in range(4):
        DeskFactory(municipality=world.municipality)
    with django_assert_max_num_queries(1):
        rows = managed_desks(world.other_official)
    assert len(rows) == 5
    with django_assert_max_num_queries(1):
        assert len(seated_desks(world.official)) == 1


def test_a_deactivated_operator_is_not_offered(world):
    closed = OrganizationFactory(kind=Organization.Kind.COMMUNITY_SUPPORT_CENTER, municipality=world.municipality,
                                 is_active=False)
    from renkei.consult.selectors.desks import operator_choices

    assert closed not in operator_choices(world.municipality)
