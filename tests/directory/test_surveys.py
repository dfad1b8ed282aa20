"""The collaboration survey: personal links, answers waiting for review, approval, reminders, response rates."""

import datetime as dt
import hashlib
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from renkei.core.models import AuditEntry, Role
from renkei.directory.models import CollaborationDetail, Facility, SurveyInvitation, SurveyResponse, SurveyRound
from renkei.directory.selectors import surveys as selectors
from renkei.directory.services import surveys as services

from ..factories import FacilityFactory, OrganizationFactory, set_details

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def coordinator(make_membership):
    return make_membership(Role.COORDINATOR)


@pytest.fixture
def clinic(municipality):
    return FacilityFactory(municipality=municipality, name="やまだ内科クリニック", phone="0773-22-1111")


def start_round(membership, facilities, **kwargs):
    defaults = {"municipality": membership.organization.municipality, "title": "令和8年度 連携情報の確認",
                "message": "", "due_on": timezone.localdate() + dt.timedelta(days=30)}
    defaults.update(kwargs)
    survey_round, issued = services.survey_round_create(facilities=facilities, membership=membership, **defaults)
    return survey_round, issued


def token_of(link: str) -> str:
    return re.search(r"/survey/answer/([^/]+)/$", link).group(1)


def answer(token, *, answers=None, corrections=None, name="山田 花子", role="院長", comment=""):
    return services.survey_answer_submit(token=token, answers=answers or {}, corrections=corrections or {},
                                         respondent_name=name, respondent_role=role, comment=comment)


def in_japanese(message: str) -> str:
    with translation.override("ja"):
        return gettext(message)


# --- links ---------------------------------------------------------------------------------------

def test_a_link_opens_without_an_account_and_shows_only_its_own_facility(coordinator, clinic, municipality):
    other = FacilityFactory(municipality=municipality, name="となりの歯科医院", kind="dental_clinic")
    _, issued = start_round(coordinator, [clinic, other])
    link = next(item.link for item in issued if item.invitation.facility == clinic)

    response = Client().get(link)

    assert response.status_code == 200
    page = response.content.decode()
    assert "やまだ内科クリニック" in page and "となりの歯科医院" not in page
    assert "訪問診療" in page  # a question asked of clinics
    assert "訪問歯科診療" not in page  # asked of dental clinics only
    assert SurveyInvitation.objects.get(facility=clinic).opened_at is not None


def test_only_the_hash_of_a_token_is_stored(coordinator, clinic):
    _, [item] = start_round(coordinator, [clinic])
    token = token_of(item.link)
    invitation = SurveyInvitation.objects.get(pk=item.invitation.pk)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(SurveyInvitation.objects.filter(pk=invitation.pk).values().get())


def test_links_expire_thirty_days_after_the_due_date(coordinator, clinic):
    due = timezone.localdate() + dt.timedelta(days=20)
    _, [item] = start_round(coordinator, [clinic], due_on=due)
    assert timezone.localtime(item.invitation.expires_at).date() == due + dt.timedelta(days=30)
    _, [item] = start_round(coordinator, [FacilityFactory(municipality=clinic.municipality)], due_on=None)
    assert (item.invitation.expires_at - timezone.now()).days in (59, 60)


def test_links_are_emailed_to_known_addresses_and_the_others_are_left_to_print(coordinator, clinic, municipality):
    organization = OrganizationFactory(municipality=municipality, email="info@yamada-clinic.example.jp")
    clinic.organization = organization
    clinic.save()
    no_email = FacilityFactory(municipality=municipality, name="メールのない薬局", kind="pharmacy")

    _, issued = start_round(coordinator, [clinic, no_email], base_url="https://renkei.example.jp")

    by_facility = {item.invitation.facility_id: item for item in issued}
    assert by_facility[clinic.pk].emailed is True and by_facility[no_email.pk].emailed is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["info@yamada-clinic.example.jp"]
    assert by_facility[clinic.pk].link in message.body
    assert by_facility[clinic.pk].link.startswith("https://renkei.example.jp/directory/survey/answer/")
    assert "令和8年度 連携情報の確認" in message.subject and "やまだ内科クリニック" in message.body
    assert "回答期限：令和" in message.body and "リンクの有効期限：令和" in message.body


def test_an_unknown_link_gets_a_clear_404_and_not_a_500(db):
    response = Client().get(reverse("directory:survey_answer", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert in_japanese("This survey link is not valid. It may have been replaced by a newer link: "
                       "use the latest e-mail or letter, or contact the municipality.") in response.content.decode()


def test_an_expired_link_shows_a_clear_message(coordinator, clinic):
    _, [item] = start_round(coordinator, [clinic])
    SurveyInvitation.objects.filter(pk=item.invitation.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    response = Client().get(item.link)

    assert response.status_code == 410
    assert in_japanese("This survey link has expired. Contact the municipality for a new one.") \
        in response.content.decode()
    with pytest.raises(services.SurveyLinkError) as error:
        answer(token_of(item.link), answers={"scheduled_home_visit": True})
    assert error.value.reason == "expired"


def test_a_withdrawn_link_shows_a_clear_message_and_refuses_answers(coordinator, clinic):
    _, [item] = start_round(coordinator, [clinic])
    services.survey_invitation_withdraw(invitation=item.invitation, membership=coordinator)

    response = Client().post(item.link, {"respondent_name": "山田", "a_scheduled_home_visit": "yes"})

    assert response.status_code == 410
    assert in_japanese("This survey link was withdrawn by the municipality. Contact them if you "
                       "think this is a mistake.") in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_closed_round_refuses_its_links(coordinator, clinic):
    survey_round, [item] = start_round(coordinator, [clinic])
    services.survey_round_close(survey_round=survey_round, membership=coordinator)
    assert Client().get(item.link).status_code == 410


def test_too_many_unknown_links_from_one_address_are_throttled(db):
    client = Client()
    for n in range(services.BAD_LINK_LIMIT):
        assert client.get(reverse("directory:survey_answer", args=[f"guess-{n}"])).status_code == 404
    response = client.get(reverse("directory:survey_answer", args=["guess-again"]))
    assert response.status_code == 429


def test_the_answer_page_refuses_a_post_without_the_csrf_token(coordinator, clinic):
    _, [item] = start_round(coordinator, [clinic])
    response = Client(enforce_csrf_checks=True).post(item.link, {"respondent_name": "山田"})
    assert response.status_code == 403
    assert not SurveyResponse.objects.exists()


# --- answering -----------------------------------------------------------------------------------

def test_answers_wait_for_review_and_do_not_change_the_details(coordinator, clinic):
    set_details(clinic, scheduled_home_visit=False)
    before = CollaborationDetail.objects.get(facility=clinic, attribute__code="scheduled_home_visit")
    _, [item] = start_round(coordinator, [clinic])

    response = Client().post(item.link, {
        "respondent_name": "山田 花子", "respondent_role": "院長", "phone": "0773-22-9999",
        "a_scheduled_home_visit": "yes", "a_round_the_clock": "yes"})

    assert response.status_code == 302
    assert response["Location"] == reverse("directory:survey_answer_thanks", args=[token_of(item.link)])
    stored = SurveyResponse.objects.get()
    assert stored.answers == {"scheduled_home_visit": True, "round_the_clock": True}
    assert stored.corrections == {"phone": "0773-22-9999"}
    assert stored.decision == SurveyResponse.Decision.PENDING
    assert SurveyInvitation.objects.get().status == SurveyInvitation.Status.ANSWERED
    detail = CollaborationDetail.objects.get(facility=clinic, attribute__code="scheduled_home_visit")
    assert (detail.value, detail.confirmed_on, detail.source) == (False, before.confirmed_on, before.source)
    assert not CollaborationDetail.objects.filter(facility=clinic, attribute__code="round_the_clock").exists()
    assert Facility.objects.get(pk=clinic.pk).phone == "0773-22-1111"
    thanks = Client().get(response["Location"])
    assert thanks.status_code == 200 and "やまだ内科クリニック" in thanks.content.decode()


def test_a_facility_answer_is_audited_as_coming_through_its_link_and_not_cached(coordinator, clinic):
    _, [item] = start_round(coordinator, [clinic])
    client = Client()
    assert "no-store" in client.get(item.link)["Cache-Control"]

    client.post(item.link, {"respondent_name": "山田 花子", "a_scheduled_home_visit": "yes"})

    response = SurveyResponse.objects.get()
    entry = AuditEntry.objects.get(object_type="directory.surveyresponse", object_id=str(response.pk),
                                   action=AuditEntry.Action.CREATE)
    assert entry.user_label == "survey link: やまだ内科クリニック" and entry.user_id_value is None


def test_the_answer_form_is_prefilled_with_the_current_details(coordinator, clinic):
    set_details(clinic, urgent_home_visit=True, how_to_meet_doctor=["phone", "fax"])
    _, [item] = start_round(coordinator, [clinic])

    values = selectors.answer_form_values(item.invitation)

    initial = {q.attribute.code: q.initial for g in values.groups for q in g.questions}
    assert initial["urgent_home_visit"] is True
    assert initial["how_to_meet_doctor"] == ["fax", "phone"]
    assert initial["scheduled_home_visit"] is None
    assert values.corrections["phone"] == "0773-22-1111"
    page = Client().get(item.link).content.decode()
    assert re.search(r'name="a_urgent_home_visit" value="yes"[^>]*checked', page)


def test_a_facility_may_answer_again_until_approved_and_the_waiting_answer_is_replaced(coordinator, clinic):
    _, [item] = start_round(coordinator, [clinic])
    token = token_of(item.link)
    first = answer(token, answers={"scheduled_home_visit": False})
    second = answer(token, answers={"scheduled_home_visit": True}, name="鈴木 一郎")

    assert first.pk == second.pk
    assert SurveyResponse.objects.count() == 1
    assert SurveyResponse.objects.get().answers == {"scheduled_home_visit": True}
    assert SurveyResponse.objects.get().respondent_name == "鈴木 一郎"


def test_blank_answers_are_not_recorded_and_never_delete_a_detail(coordinator, clinic):
    set_details(clinic, urgent_home_visit=True)
    _, [item] = start_round(coordinator, [clinic])
    response = answer(token_of(item.link), answers={"urgent_home_visit": None, "scheduled_home_visit": "可"})
    assert response.answers == {"scheduled_home_visit": True}
    services.survey_response_approve(response=response, membership=coordinator)
    assert CollaborationDetail.objects.filter(facility=clinic, attribute__code="urgent_home_visit").exists()


def test_the_answer_form_validates_each_value_type_with_japanese_messages(coordinator, municipality):
    home = FacilityFactory(municipality=municipality, kind="care_service", service_type="510", name="特養ふくちやま")
    _, [item] = start_round(coordinator, [home])

    with translation.override("ja"):
        response = Client(HTTP_ACCEPT_LANGUAGE="ja").post(item.link, {
            "respondent_name": "", "a_monthly_fee": "たくさん", "a_age_groups": ["adults", "martians"],
            "a_round_the_clock": "maybe", "website": "not a url"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "このフィールドは必須です。" in page  # the respondent's name
    assert "数値を入力してください。" in page  # a number
    assert "martians は候補にありません。" in page  # a choice from the list
    assert "maybe は候補にありません。" in page  # yes / no
    assert "URLを正しく入力してください。" in page
    assert not SurveyResponse.objects.exists()


def test_the_service_refuses_answers_to_questions_not_asked_of_the_facility(coordinator, clinic):
    _, [item] = start_round(coordinator, [clinic])
    with pytest.raises(ValidationError) as error:
        answer(token_of(item.link), answers={"sterile_preparation": True, "monthly_fee": "-3"})
    assert "__all__" in error.value.message_dict  # sterile preparation is asked of pharmacies only
    assert not SurveyResponse.objects.exists()


# --- review --------------------------------------------------------------------------------------

def test_approval_stamps_the_answer_date_the_respondent_and_the_survey_source_and_is_audited(coordinator, clinic):
    _, [item] = start_round(coordinator, [clinic])
    response = answer(token_of(item.link), answers={"scheduled_home_visit": True, "round_the_clock": True})
    SurveyResponse.objects.filter(pk=response.pk).update(submitted_at=timezone.now() - dt.timedelta(days=3))
    response.refresh_from_db()
    audited_before = AuditEntry.objects.count()

    services.survey_response_approve(response=response, membership=coordinator, note="確認しました")

    details = {d.attribute.code: d for d in CollaborationDetail.objects.filter(facility=clinic)
               .select_related("attribute")}
    assert set(details) == {"scheduled_home_visit", "round_the_clock"}
    detail = details["scheduled_home_visit"]
    assert detail.value is True
    assert detail.source == CollaborationDetail.Source.SURVEY
    assert detail.confirmed_on == timezone.localtime(response.submitted_at).date()
    assert detail.confirmed_by == "山田 花子（院長・やまだ内科クリニック回答）"
    assert detail.confirmed_by_user == coordinator.user
    response.refresh_from_db()
    assert response.decision == SurveyResponse.Decision.APPROVED and response.reviewed_by == coordinator.user
    assert SurveyInvitation.objects.get().status == SurveyInvitation.Status.APPROVED
    entries = AuditEntry.objects.filter(seq__gt=audited_before)
    detail_entry = entries.get(object_type="directory.collaborationdetail", object_id=str(detail.pk))
    assert detail_entry.action == AuditEntry.Action.CREATE and detail_entry.changes["source"] == "survey"
    assert detail_entry.user_id_value == coordinator.user_id
    decision = entries.get(object_type="directory.surveyresponse", object_id=str(response.pk))
    assert decision.changes["decision"] == ["pending", "approved"]


def test_approval_applies_only_the_corrections_staff_accept(coordinator, clinic):
    _, [item] = start_round(coordinator, [clinic])
    response = answer(token_of(item.link), corrections={"phone": "0773-22-9999", "fax": "0773-22-8888",
                                                        "website": ""})
    assert response.corrections == {"phone": "0773-22-9999", "fax": "0773-22-8888"}

    services.survey_response_approve(response=response, membership=coordinator, corrections=["phone"])

    clinic.refresh_from_db()
    assert (clinic.phone, clinic.fax) == ("0773-22-9999", "")


def test_an_approved_link_refuses_further_answers_with_a_clear_message(coordinator, clinic):
    _, [item] = start_round(coordinator, [clinic])
    response = answer(token_of(item.link), answers={"scheduled_home_visit": True})
    services.survey_response_approve(response=response, membership=coordinator)

    page = Client().get(item.link)

    assert page.status_code == 410
    assert in_japanese("Your answers to this survey have already been checked and published. Thank you. "
                       "To change something now, contact the municipality.") in page.content.decode()


def test_a_returned_answer_reopens_the_link_with_the_note_and_the_facility_answers_again(coordinator, clinic):
    _, [item] = start_round(coordinator, [clinic])
    token = token_of(item.link)
    first = answer(token, answers={"scheduled_home_visit": False})
    SurveyInvitation.objects.filter(pk=item.invitation.pk).update(expires_at=timezone.now() + dt.timedelta(hours=1))

    services.survey_response_return(response=first, membership=coordinator, note="訪問診療の欄をご確認ください")

    invitation = SurveyInvitation.objects.get()
    assert invitation.status == SurveyInvitation.Status.RETURNED
    assert invitation.expires_at > timezone.now() + dt.timedelta(days=13)
    page = Client().get(item.link)
    assert page.status_code == 200 and "訪問診療の欄をご確認ください" in page.content.decode()
    second = answer(token, answers={"scheduled_home_visit": True})
    assert second.pk != first.pk
    assert SurveyInvitation.objects.get().status == SurveyInvitation.Status.ANSWERED
    assert [r.decision for r in SurveyResponse.objects.order_by("pk")] == ["returned", "pending"]
    assert not CollaborationDetail.objects.filter(facility=clinic).exists()


def test_returning_needs_a_note(coordinator, clinic):
    _, [item] = start_round(coordinator, [clinic])
    response = answer(token_of(item.link), answers={"scheduled_home_visit": True})
    with pytest.raises(ValidationError):
        services.survey_response_return(response=response, membership=coordinator, note=" ")


def test_the_review_page_shows_what_changes_and_approves(coordinator, clinic, login_as):
    set_details(clinic, scheduled_home_visit=False, urgent_home_visit=True)
    _, [item] = start_round(coordinator, [clinic])
    response = answer(token_of(item.link), answers={"scheduled_home_visit": True, "urgent_home_visit": True},
                      corrections={"fax": "0773-22-8888"})
    client = login_as(coordinator)

    page = client.get(reverse("directory:survey_response_review", args=[response.pk]))

    assert page.status_code == 200
    rows = {row.code: row for row in page.context["rows"]}
    assert rows["scheduled_home_visit"].is_changed and (rows["scheduled_home_visit"].current,
                                                        rows["scheduled_home_visit"].answered) == ("不可", "可")
    assert not rows["urgent_home_visit"].is_changed
    assert page.context["changed_count"] == 1
    assert "0773-22-8888" in page.content.decode()

    done = client.post(reverse("directory:survey_response_review", args=[response.pk]),
                       {"action": "approve", "corrections": ["fax"], "note": ""})

    assert done.status_code == 302
    assert CollaborationDetail.objects.get(facility=clinic, attribute__code="scheduled_home_visit").value is True
    assert Facility.objects.get(pk=clinic.pk).fax == "0773-22-8888"


def test_the_review_queue_lists_waiting_answers_of_own_area_only(coordinator, clinic, other_municipality,
                                                                 make_membership):
    _, [item] = start_round(coordinator, [clinic])
    answer(token_of(item.link), answers={"scheduled_home_visit": True})
    outsider = make_membership(Role.MUNICIPAL_STAFF, organization=OrganizationFactory(municipality=other_municipality))

    assert [r.invitation.facility for r in selectors.pending_reviews(coordinator)] == [clinic]
    assert list(selectors.pending_reviews(outsider)) == []


# --- rounds, response rates, stale facilities ---------------------------------------------------

def test_the_response_rate_is_answered_and_approved_over_sent_excluding_withdrawn(coordinator, municipality):
    facilities = [FacilityFactory(municipality=municipality) for _ in range(6)]
    survey_round, issued = start_round(coordinator, facilities)
    tokens = [token_of(item.link) for item in issued]
    answer(tokens[0], answers={"scheduled_home_visit": True})  # answered
    approved = answer(tokens[1], answers={"scheduled_home_visit": True})
    services.survey_response_approve(response=approved, membership=coordinator)
    returned = answer(tokens[2], answers={"scheduled_home_visit": True})
    services.survey_response_return(response=returned, membership=coordinator, note="確認を")
    services.survey_invitation_withdraw(invitation=issued[3].invitation, membership=coordinator)

    stats = selectors.round_stats(survey_round)

    assert (stats.sent, stats.answered, stats.approved, stats.returned, stats.withdrawn) == (5, 1, 1, 1, 1)
    assert stats.not_answered == 2
    assert stats.response_rate == pytest.approx(2 / 5)
    assert stats.response_percent == 40
    [listed] = selectors.survey_rounds(coordinator)
    assert listed.stats == stats


def test_the_rounds_list_shows_the_response_rate(coordinator, clinic, login_as):
    _, [item, _other] = start_round(coordinator, [clinic, FacilityFactory(municipality=clinic.municipality)])
    answer(token_of(item.link), answers={"scheduled_home_visit": True})
    page = login_as(coordinator).get(reverse("directory:survey_round_list"))
    assert page.status_code == 200
    assert 'value="50"' in page.content.decode() and "50% (1/2)" in page.content.decode()


def test_stale_facilities_are_those_confirmed_before_n_months_or_never(municipality, other_municipality):
    recent = FacilityFactory(municipality=municipality, name="最近確認")
    old = FacilityFactory(municipality=municipality, name="古い確認")
    FacilityFactory(municipality=municipality, name="未確認")
    closed = FacilityFactory(municipality=municipality, name="廃止", status=Facility.Status.CLOSED)
    FacilityFactory(municipality=other_municipality, name="よその市")
    set_details(recent, scheduled_home_visit=True)
    set_details(old, scheduled_home_visit=True, urgent_home_visit=True)
    CollaborationDetail.objects.filter(facility=old).update(confirmed_on=timezone.localdate() - dt.timedelta(days=400))
    CollaborationDetail.objects.filter(facility=old, attribute__code="urgent_home_visit").update(
        confirmed_on=timezone.localdate() - dt.timedelta(days=200))
    set_details(closed, scheduled_home_visit=True)

    # The newest confirmation counts: 古い確認 was last confirmed 200 days ago (and once 400 days ago).
    assert {f.name for f in selectors.stale_facilities(municipality, 6)} == {"古い確認", "未確認"}
    assert {f.name for f in selectors.stale_facilities(municipality, 7)} == {"未確認"}
    assert {f.name for f in selectors.stale_facilities(municipality, 12)} == {"未確認"}
    by_name = {f.name: f for f in selectors.stale_facilities(municipality, 6)}
    assert by_name["未確認"].last_confirmed_on is None
    assert by_name["古い確認"].last_confirmed_on == timezone.localdate() - dt.timedelta(days=200)


def test_the_create_screen_offers_stale_facilities_and_creates_a_round_showing_each_link(coordinator, clinic,
                                                                                         login_as, municipality):
    fresh = FacilityFactory(municipality=municipality, name="確認済み医院")
    set_details(fresh, scheduled_home_visit=True)
    client = login_as(coordinator)

    page = client.get(reverse("directory:survey_round_create"), {"stale_months": 12})
    assert page.status_code == 200
    assert [f.name for f in page.context["candidates"]] == ["やまだ内科クリニック"]

    created = client.post(reverse("directory:survey_round_create") + "?stale_months=12", {
        "title": "古い情報の確認", "due_on": "", "select_all": "on", "send_email": "on"})

    assert created.status_code == 200
    survey_round = SurveyRound.objects.get()
    assert survey_round.title == "古い情報の確認" and survey_round.created_by == coordinator.user
    [invitation] = survey_round.invitations.all()
    assert invitation.facility == clinic
    [link] = re.findall(r'<code class="survey-link"[^>]*>(http://testserver/directory/survey/answer/[^<]+/)</code>',
                        created.content.decode())
    assert invitation.token_hash == hashlib.sha256(token_of(link).encode()).hexdigest()
    assert client.get(reverse("directory:survey_round_detail", args=[survey_round.pk])).status_code == 200


def test_a_round_needs_at_least_one_facility(coordinator, login_as):
    page = login_as(coordinator).post(reverse("directory:survey_round_create"), {"title": "空"})
    assert page.status_code == 400
    assert not SurveyRound.objects.exists()


def test_a_facility_history_lists_its_rounds_and_answers(coordinator, clinic, login_as):
    _, [item] = start_round(coordinator, [clinic])
    response = answer(token_of(item.link), answers={"scheduled_home_visit": True})
    services.survey_response_approve(response=response, membership=coordinator)

    page = login_as(coordinator).get(reverse("directory:survey_facility_history", args=[clinic.pk]))

    assert page.status_code == 200
    [invitation] = page.context["invitations"]
    assert invitation.status == SurveyInvitation.Status.APPROVED
    assert "山田 花子" in page.content.decode()


def test_the_round_detail_reads_its_invitations_in_few_queries(coordinator, municipality,
                                                               django_assert_max_num_queries):
    facilities = [FacilityFactory(municipality=municipality) for _ in range(15)]
    survey_round, issued = start_round(coordinator, facilities)
    for item in issued[:5]:
        answer(token_of(item.link), answers={"scheduled_home_visit": True})
    with django_assert_max_num_queries(3):
        invitations = selectors.round_invitations(survey_round)
        assert sum(i.latest_response is not None for i in invitations) == 5


# --- reminders -----------------------------------------------------------------------------------

def test_a_reminder_issues_a_new_link_and_the_old_one_is_refused(coordinator, clinic, municipality):
    answered = FacilityFactory(municipality=municipality)
    survey_round, issued = start_round(coordinator, [clinic, answered], emails={clinic.pk: "yamada@example.jp"})
    old = {item.invitation.facility_id: item.link for item in issued}
    answer(token_of(old[answered.pk]), answers={"scheduled_home_visit": True})
    mail.outbox.clear()

    reminded = services.survey_reminders_send(survey_round=survey_round, membership=coordinator)

    assert [item.invitation.facility for item in reminded] == [clinic]
    invitation = SurveyInvitation.objects.get(facility=clinic)
    assert invitation.reminder_count == 1 and invitation.reminded_at is not None
    assert Client().get(old[clinic.pk]).status_code == 404
    assert Client().get(reminded[0].link).status_code == 200
    assert len(mail.outbox) == 1 and reminded[0].link in mail.outbox[0].body
    assert "【再送】" in mail.outbox[0].subject


def test_the_reminder_button_emails_new_links_and_leaves_printed_links_alone(coordinator, clinic, municipality,
                                                                            login_as):
    printed = FacilityFactory(municipality=municipality, name="紙で送った医院")
    survey_round, issued = start_round(coordinator, [clinic, printed], emails={clinic.pk: "yamada@example.jp"})
    printed_link = next(item.link for item in issued if item.invitation.facility == printed)
    mail.outbox.clear()

    response = login_as(coordinator).post(reverse("directory:survey_round_remind", args=[survey_round.pk]))

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["yamada@example.jp"]]
    assert Client().get(printed_link).status_code == 200
    assert SurveyInvitation.objects.get(facility=clinic).reminder_count == 1
    assert SurveyInvitation.objects.get(facility=printed).reminder_count == 0


def test_the_reminder_command_reminds_rounds_past_half_their_time_by_email_only(coordinator, clinic, municipality):
    printed = FacilityFactory(municipality=municipality, name="紙で送った医院")
    due_soon, issued = start_round(coordinator, [clinic, printed], emails={clinic.pk: "yamada@example.jp"},
                                   due_on=timezone.localdate() + dt.timedelta(days=10))
    SurveyRound.objects.filter(pk=due_soon.pk).update(created_at=timezone.now() - dt.timedelta(days=20))
    fresh, _ = start_round(coordinator, [FacilityFactory(municipality=municipality)],
                           emails=None, due_on=timezone.localdate() + dt.timedelta(days=60))
    printed_hash = SurveyInvitation.objects.get(facility=printed).token_hash
    mail.outbox.clear()

    call_command("survey_reminders", "--dry-run")
    assert mail.outbox == []
    assert SurveyInvitation.objects.get(facility=clinic).reminder_count == 0

    call_command("survey_reminders", "--base-url", "https://renkei.example.jp")

    assert [m.to for m in mail.outbox] == [["yamada@example.jp"]]
    assert "https://renkei.example.jp/directory/survey/answer/" in mail.outbox[0].body
    assert SurveyInvitation.objects.get(facility=clinic).reminder_count == 1
    assert SurveyInvitation.objects.get(facility=printed).token_hash == printed_hash  # its letter still works
    assert SurveyInvitation.objects.filter(survey_round=fresh, reminder_count=0).count() == 1

    call_command("survey_reminders", "--base-url", "https://renkei.example.jp")  # the next day's cron run
    assert len(mail.outbox) == 1, "at most one reminder a week"


# --- permissions ---------------------------------------------------------------------------------

def test_staff_of_another_municipality_get_403(coordinator, clinic, other_municipality, make_membership, login_as):
    survey_round, [item] = start_round(coordinator, [clinic])
    response = answer(token_of(item.link), answers={"scheduled_home_visit": True})
    outsider = make_membership(Role.MUNICIPAL_STAFF, organization=OrganizationFactory(municipality=other_municipality))
    client = login_as(outsider)

    for url in [reverse("directory:survey_round_detail", args=[survey_round.pk]),
                reverse("directory:survey_response_review", args=[response.pk]),
                reverse("directory:survey_facility_history", args=[clinic.pk])]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("directory:survey_response_review", args=[response.pk]),
                       {"action": "approve"}).status_code == 403
    assert client.post(reverse("directory:survey_invitation_withdraw", args=[item.invitation.pk])).status_code == 403
    assert client.post(reverse("directory:survey_round_remind", args=[survey_round.pk])).status_code == 403
    assert SurveyResponse.objects.get().decision == SurveyResponse.Decision.PENDING
    assert SurveyInvitation.objects.get().status == SurveyInvitation.Status.ANSWERED
    assert selectors.survey_rounds(outsider) == []
    with pytest.raises(ValidationError):
        services.survey_round_create(municipality=other_municipality, title="よその施設", due_on=None,
                                     facilities=[clinic], membership=outsider)


def test_professionals_cannot_open_the_survey_screens(make_membership, login_as):
    doctor = make_membership(Role.PROFESSIONAL)
    assert login_as(doctor).get(reverse("directory:survey_round_list")).status_code == 403


def test_the_staff_screens_ask_for_a_login(db):
    response = Client().get(reverse("directory:survey_round_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_printing_new_links_replaces_the_links_of_facilities_without_email(coordinator, clinic, municipality,
                                                                          login_as):
    emailed = FacilityFactory(municipality=municipality)
    survey_round, issued = start_round(coordinator, [clinic, emailed], emails={emailed.pk: "info@example.jp"})
    old = {item.invitation.facility_id: item.link for item in issued}

    page = login_as(coordinator).post(reverse("directory:survey_round_links", args=[survey_round.pk]))

    assert page.status_code == 200
    [new_link] = re.findall(r'<code class="survey-link"[^>]*>(http://testserver/directory/survey/answer/[^<]+/)</code>',
                            page.content.decode())
    assert Client().get(old[clinic.pk]).status_code == 404
    assert Client().get(new_link).status_code == 200
    assert Client().get(old[emailed.pk]).status_code == 200  # the e-mailed link was left alone


def test_prefecture_staff_choose_the_municipality_before_starting_a_round(municipality, make_membership, login_as):
    prefecture_office = OrganizationFactory(kind="prefecture_office", municipality=None,
                                            prefecture=municipality.prefecture)
    staff = make_membership(Role.PREFECTURE_STAFF, organization=prefecture_office)
    FacilityFactory(municipality=municipality, name="県から見る医院")
    client = login_as(staff)

    assert client.get(reverse("directory:survey_round_create")).templates[0].name == \
        "directory/surveys/choose_municipality.html"
    page = client.get(reverse("directory:survey_round_create"), {"municipality": municipality.code})
    assert page.status_code == 200
    assert [f.name for f in page.context["candidates"]] == ["県から見る医院"]


def test_a_mail_server_failure_leaves_the_link_to_print_instead_of_failing(coordinator, clinic, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(services, "send_mail", broken)
    _, [item] = start_round(coordinator, [clinic], emails={clinic.pk: "yamada@example.jp"})
    assert item.emailed is False
    assert Client().get(item.link).status_code == 200


def test_the_reminder_command_needs_the_site_address_and_can_target_one_round(coordinator, clinic, settings,
                                                                              monkeypatch):
    survey_round, _ = start_round(coordinator, [clinic], emails={clinic.pk: "yamada@example.jp"}, due_on=None)
    SurveyRound.objects.filter(pk=survey_round.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    settings.RENKEI_BASE_URL = ""
    monkeypatch.setenv("RENKEI_BASE_URL", "")
    with pytest.raises(CommandError):
        call_command("survey_reminders")
    mail.outbox.clear()

    call_command("survey_reminders", "--round", str(survey_round.pk + 1), "--base-url", "https://r.example.jp")
    assert mail.outbox == []
    call_command("survey_reminders", "--round", str(survey_round.pk), "--base-url", "https://r.example.jp")
    assert len(mail.outbox) == 1


def test_staff_of_another_municipality_cannot_approve_an_answer_into_its_facility(coordinator, clinic,
                                                                                   make_membership, other_municipality):
    from django.core.exceptions import PermissionDenied

    _, [item] = start_round(coordinator, [clinic])
    response = answer(token_of(item.link), answers={"scheduled_home_visit": True},
                      corrections={"phone": "0773-00-0000"})
    outsider = make_membership(Role.MUNICIPAL_STAFF, organization=OrganizationFactory(municipality=other_municipality))

    with pytest.raises(PermissionDenied):
        services.survey_response_approve(response=response, membership=outsider)

    clinic.refresh_from_db()
    assert clinic.phone == "0773-22-1111"
    assert not CollaborationDetail.objects.filter(facility=clinic).exists()
    response.refresh_from_db()
    assert response.decision == SurveyResponse.Decision.PENDING


def test_approval_is_authorised_on_the_stored_facility_not_the_instance_passed(coordinator, clinic,
                                                                                make_membership, other_municipality):
    from django.core.exceptions import PermissionDenied

    _, [item] = start_round(coordinator, [clinic])
    response = answer(token_of(item.link), corrections={"phone": "0773-00-0000"})
    outsider = make_membership(Role.MUNICIPAL_STAFF, organization=OrganizationFactory(municipality=other_municipality))
    response.invitation.facility.municipality = other_municipality  # a stale or tampered instance

    with pytest.raises(PermissionDenied):
        services.survey_response_approve(response=response, membership=outsider)
    clinic.refresh_from_db()
    assert clinic.phone == "0773-22-1111"


def test_approval_writes_one_entry_for_the_facility_naming_its_municipality(coordinator, clinic, municipality):
    _, [item] = start_round(coordinator, [clinic])
    response = answer(token_of(item.link), answers={"scheduled_home_visit": True},
                      corrections={"phone": "0773-00-0000"})

    services.survey_response_approve(response=response, membership=coordinator)

    entry = AuditEntry.objects.get(object_type="directory.facility", object_id=str(clinic.pk),
                                   reason="survey answer approved")
    assert entry.changes["fields"] == ["phone"] and entry.changes["details"] == ["scheduled_home_visit"]
    assert entry.owner_municipality_id == municipality.pk
    assert "0773-00-0000" not in str(entry.changes)
