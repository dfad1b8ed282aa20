import pytest
from django.core import mail
from django.utils import timezone

from renkei.careteams.models import TeamRole
from renkei.core import dashboard
from renkei.core.models import AuditEntry
from renkei.handoff import sections
from renkei.handoff.models import Conference, HandoffStep, SlotAnswer, StepKey
from renkei.handoff.services import conferences as services
from tests.conftest import client_for

from .conference_helpers import add_family, invitee_of, propose, team_place
from .factories import open_handoff

pytestmark = pytest.mark.django_db


def _slot_post(rows, **extra):
    day = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    data = {"rows": str(len(rows))}
    for i, (start, end) in enumerate(rows):
        data.update({f"slot_{i}_date": day, f"slot_{i}_start": start, f"slot_{i}_end": end})
    data.update(extra)
    return data


def test_the_proposal_form_pre_ticks_the_care_manager_nurse_and_doctor(world):
    add_family(world)
    handoff = open_handoff(world)
    response = client_for(world.discharge_nurse).get(f"/handoffs/{handoff.pk}/conferences/new/")
    assert response.status_code == 200
    form = response.context["form"]
    assert sorted(form.fields["invitees"].initial) == sorted(
        team_place(world, r).pk for r in (TeamRole.CARE_MANAGER, TeamRole.VISITING_NURSE, TeamRole.ATTENDING_DOCTOR))
    assert form.fields["hospital_invitees"].initial == [world.discharge_nurse.pk]
    assert form.row_count == 3


def test_add_a_time_row_comes_back_with_one_more_row_and_nothing_saved(world):
    handoff = open_handoff(world)
    response = client_for(world.discharge_nurse).post(f"/handoffs/{handoff.pk}/conferences/new/",
                                                      _slot_post([("14:00", "15:00")], add_row="1"))
    assert response.status_code == 200 and response.context["form"].row_count == 2
    assert not Conference.objects.exists()


def test_proposing_on_the_screen_invites_and_warns_when_the_care_manager_is_left_out(
        world, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.delitem(sections._page._sections, "fhir", raising=False)  # see the handoff page test below
    handoff = open_handoff(world)
    nurse = team_place(world, TeamRole.VISITING_NURSE)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.discharge_nurse).post(
            f"/handoffs/{handoff.pk}/conferences/new/",
            _slot_post([("14:00", "15:00"), ("16:00", "17:00")], invitees=[str(nurse.pk)], place="面談室"),
            follow=True)
    assert response.status_code == 200
    conference = Conference.objects.get()
    assert conference.slots.count() == 2 and conference.place == "面談室"
    assert "not invited" in response.content.decode() or "招待されていません" in response.content.decode()
    assert len(mail.outbox) == 1


def test_a_proposal_without_times_shows_the_error(world):
    handoff = open_handoff(world)
    response = client_for(world.discharge_nurse).post(f"/handoffs/{handoff.pk}/conferences/new/",
                                                      {"rows": "3", "invitees": []})
    assert response.status_code == 400 and response.context["form"].errors
    assert not Conference.objects.exists()


def test_the_invitee_answers_on_the_phone_page(world):
    handoff = open_handoff(world)
    conference = propose(world, handoff, notify=False)
    cm = invitee_of(conference, world.care_manager)
    first, second, third = conference.slots.all()
    url = f"/handoffs/conferences/invitations/{cm.pk}/answer/"
    client = client_for(world.care_manager)
    page = client.get(url)
    assert page.status_code == 200 and "big-choice" in page.content.decode()
    response = client.post(url, {f"slot_{first.pk}": "yes", f"slot_{second.pk}": "no", f"slot_{third.pk}": "maybe"})
    assert response.status_code == 302
    assert dict(cm.answers.values_list("slot_id", "answer")) == {first.pk: "yes", second.pk: "no",
                                                                 third.pk: "maybe"}
    assert AuditEntry.objects.filter(action=AuditEntry.Action.READ, permission="handoff.answer_conference").exists()


def test_the_discharge_nurse_records_the_familys_answer_given_by_phone(world):
    family = add_family(world)
    handoff = open_handoff(world)
    conference = propose(world, handoff, extra=[family], notify=False)
    invitee = conference.invitees.get(role=TeamRole.FAMILY)
    slot = conference.slots.first()
    response = client_for(world.discharge_nurse).post(
        f"/handoffs/conferences/invitations/{invitee.pk}/answer-for/", {f"slot_{slot.pk}": "yes"})
    assert response.status_code == 302 and invitee.answers.get().answer == SlotAnswer.Answer.YES


def test_the_schedule_screen_suggests_the_best_time_and_decides_it(world, django_capture_on_commit_callbacks):
    handoff = open_handoff(world)
    conference = propose(world, handoff, notify=False)
    first, second, _third = conference.slots.all()
    services.slot_answer(membership=world.care_manager, invitee=invitee_of(conference, world.care_manager),
                         answers={first.pk: "no", second.pk: "yes"})
    client = client_for(world.discharge_nurse)
    url = f"/handoffs/conferences/{conference.pk}/schedule/"
    assert client.get(url).context["form"].initial["slot"] == second.pk
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"slot": str(second.pk), "place": "3階 会議室", "video_url": ""})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.chosen_slot == second and conference.status == "scheduled"
    assert len(mail.outbox) == 3


def test_the_hold_screen_records_attendance_and_minutes(world):
    handoff = open_handoff(world, days_ago=5)
    conference = propose(world, handoff, days=(-1,), notify=False)
    cm = invitee_of(conference, world.care_manager)
    held = timezone.localtime(conference.slots.get().starts_at).strftime("%Y-%m-%dT%H:%M")
    response = client_for(world.discharge_nurse).post(
        f"/handoffs/conferences/{conference.pk}/hold/", {"held_at": held, "attended": [str(cm.pk)],
                                                         "minutes": "ケアプラン変更"})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == "held" and conference.minutes == "ケアプラン変更"
    assert handoff.steps.get(key=StepKey.CONFERENCE).status == HandoffStep.Status.DONE


def test_the_cancel_screen_asks_for_confirmation(world):
    conference = propose(world, open_handoff(world), notify=False)
    client = client_for(world.discharge_nurse)
    url = f"/handoffs/conferences/{conference.pk}/cancel/"
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"confirm": "on"}).status_code == 302
    conference.refresh_from_db()
    assert conference.status == "cancelled"
    assert client.get(url).status_code == 302  # already cancelled: back to the handoff


def test_the_calendar_file_names_the_patient_by_initials_only(world):
    world.patient.name = "連携 太郎"
    world.patient.save()
    handoff = open_handoff(world)
    conference = propose(world, handoff, place="面談室", notify=False)
    response = client_for(world.care_manager).get(f"/handoffs/conferences/{conference.pk}/calendar.ics")
    assert response.status_code == 404  # not scheduled yet
    services.conference_schedule(membership=world.discharge_nurse, conference=conference,
                                 slot=conference.slots.first(), notify=False)
    response = client_for(world.care_manager).get(f"/handoffs/conferences/{conference.pk}/calendar.ics")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in text and "LOCATION:面談室" in text and "連.太." in text
    assert "連携 太郎" not in text and "連携" not in text
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, permission="handoff.view_handoff").exists()


def test_the_handoff_page_section_shows_the_answers_grid(world):
    handoff = open_handoff(world)
    conference = propose(world, handoff, notify=False)
    services.slot_answer(membership=world.nurse, invitee=invitee_of(conference, world.nurse),
                         answers={conference.slots.first().pk: "yes"})
    section = next(s for s in sections.rendered_sections(world.discharge_nurse, handoff) if s["key"] == "conferences")
    assert section["context"]["can_arrange"] is True
    page = client_for(world.doctor).get(f"/handoffs/{handoff.pk}/conferences/")
    html = page.content.decode()
    assert page.status_code == 200 and "answers-grid" in html and "answer-yes" in html
    assert f"/handoffs/conferences/{conference.pk}/schedule/" not in html  # the doctor does not arrange


def test_home_attention_lists_my_invitation_then_tells_the_proposer_every_answer_is_in(world):
    handoff = open_handoff(world)
    conference = propose(world, handoff, roles=(TeamRole.CARE_MANAGER,), notify=False)
    items = dashboard.attention_for(world.care_manager)
    cm = invitee_of(conference, world.care_manager)
    assert any(i.url == f"/handoffs/conferences/invitations/{cm.pk}/answer/" for i in items)
    assert not any("conferences" in i.url for i in dashboard.attention_for(world.discharge_nurse))
    services.slot_answer(membership=world.care_manager, invitee=cm, answers={conference.slots.first().pk: "yes"})
    assert not any("conferences" in i.url for i in dashboard.attention_for(world.care_manager))
    items = dashboard.attention_for(world.discharge_nurse)
    assert any(i.url == f"/handoffs/conferences/{conference.pk}/schedule/" for i in items)


def test_my_invitations_page_lists_what_waits_for_me(world):
    handoff = open_handoff(world)
    propose(world, handoff, notify=False)
    propose(world, handoff, notify=False)
    response = client_for(world.nurse).get("/handoffs/conferences/mine/")
    assert response.status_code == 200 and len(response.context["waiting"]) == 2


def test_the_proposer_invited_to_their_own_conference_is_not_asked_to_answer_it(world):
    handoff = open_handoff(world)
    conference = propose(world, handoff, roles=(TeamRole.CARE_MANAGER,), notify=False,
                         hospital_invitees=[world.discharge_nurse.pk, world.hospital_colleague.pk])
    assert not any("invitations" in i.url for i in dashboard.attention_for(world.discharge_nurse))
    assert any("invitations" in i.url for i in dashboard.attention_for(world.hospital_colleague))
    for person in (world.care_manager, world.hospital_colleague):
        services.slot_answer(membership=person, invitee=invitee_of(conference, person),
                             answers={conference.slots.first().pk: "yes"})
    assert any(i.url == f"/handoffs/conferences/{conference.pk}/schedule/"
               for i in dashboard.attention_for(world.discharge_nurse))


def test_the_handoff_page_shows_the_conference_section(world, monkeypatch):
    # The FHIR section's template reads `section.context|default:context`, which fails as the page includes it
    # (`with section=section.context`): reported to the lead; left out here so this test checks this section.
    monkeypatch.delitem(sections._page._sections, "fhir", raising=False)
    handoff = open_handoff(world)
    conference = propose(world, handoff, notify=False)
    html = client_for(world.discharge_nurse).get(f"/handoffs/{handoff.pk}/").content.decode()
    assert 'id="conferences"' in html and f"/handoffs/conferences/{conference.pk}/schedule/" in html
