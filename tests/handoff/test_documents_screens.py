import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from renkei.core.models import AuditEntry
from renkei.handoff.document_pdf import initials
from renkei.handoff.models import DocumentKind, DocumentSending, HandoffDocument, HandoffStep, StepKey
from renkei.handoff.services import documents as services
from renkei.handoff.services.documents import Recipient
from tests.conftest import client_for

from . import pdf_text
from .factories import open_handoff

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"handoff:{name}", kwargs=kwargs)


def test_the_new_form_is_prefilled_and_grouped_as_on_paper(world):
    world.patient.care_level = "care_3"
    world.patient.save()
    handoff = open_handoff(world)
    response = client_for(world.care_manager).get(url("document_new", handoff_id=handoff.pk, kind="admission_info"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 家族の情報" in body and "7 身体・生活機能の状況" in body
    assert '<option value="care_3" selected>' in body
    assert 'name="adl__moving"' in body


def test_posting_the_form_saves_a_version_and_goes_to_sending(world):
    handoff = open_handoff(world)
    response = client_for(world.care_manager).post(
        url("document_new", handoff_id=handoff.pk, kind="admission_info"),
        {"patient_wishes": "家に帰りたい", "adl__moving": "watch", "conference_wishes": ["discharge_conference"],
         "care_level": "care_1"})
    document = HandoffDocument.objects.get(handoff=handoff)
    assert response.status_code == 302
    assert response["Location"] == url("document_send", handoff_id=handoff.pk, document_id=document.pk)
    assert document.data["adl"] == {"moving": "watch"}
    assert document.data["conference_wishes"] == ["discharge_conference"]


def test_a_bad_value_shows_the_message_on_the_form_not_an_error_page(world):
    handoff = open_handoff(world)
    response = client_for(world.care_manager).post(
        url("document_new", handoff_id=handoff.pk, kind="discharge_record"), {"heard_on": "きのう"})
    assert response.status_code == 200
    assert "令和8年11月25日" in response.content.decode()
    assert not HandoffDocument.objects.exists()


def test_an_unknown_kind_is_a_404(world):
    handoff = open_handoff(world)
    response = client_for(world.care_manager).get(url("document_new", handoff_id=handoff.pk, kind="poem"))
    assert response.status_code == 404


def test_the_detail_shows_what_changed_from_the_previous_version_by_label(world):
    handoff = open_handoff(world)
    services.document_save(membership=world.care_manager, handoff=handoff, kind="admission_info",
                           data={"sleep": "good"})
    second = services.document_save(membership=world.care_manager, handoff=handoff, kind="admission_info",
                                    data={"sleep": "hypnotics"})
    response = client_for(world.discharge_nurse).get(url("document_detail", handoff_id=handoff.pk,
                                                         document_id=second.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "睡眠の状態" in body and "眠剤使用" in body
    assert AuditEntry.objects.filter(action=AuditEntry.Action.READ,
                                     membership_id_value=world.discharge_nurse.pk).exists()


def test_sending_from_the_screen_to_the_hospital_and_by_fax_to_another(world):
    handoff = open_handoff(world)
    document = services.document_save(membership=world.care_manager, handoff=handoff, kind="admission_info",
                                      data={})
    faxed = timezone.localtime() - dt.timedelta(hours=1)
    response = client_for(world.care_manager).post(url("document_send", handoff_id=handoff.pk,
                                                       document_id=document.pk), {
        "organizations": [str(world.hospital.organization.pk)], "other_name": "試験訪問看護ステーション",
        "other_channel": "fax", "other_sent_at": faxed.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    channels = sorted(DocumentSending.objects.filter(document=document).values_list("channel", flat=True))
    assert channels == ["fax", "renkei"]
    assert handoff.steps.get(key=StepKey.ADMISSION_INFO).status == HandoffStep.Status.DONE
    # A sending without an organization on Renkei (the fax) is listed by its name on both screens (it was a 500).
    client = client_for(world.care_manager)
    for page in (url("document_list", handoff_id=handoff.pk),
                 url("document_detail", handoff_id=handoff.pk, document_id=document.pk)):
        response = client.get(page)
        assert response.status_code == 200, page
        assert "試験訪問看護ステーション" in response.content.decode(), page


def test_the_hospital_acknowledges_from_the_list(world):
    handoff = open_handoff(world)
    document = services.document_save(membership=world.care_manager, handoff=handoff, kind="admission_info",
                                      data={})
    sending = services.document_send(membership=world.care_manager, document=document,
                                     recipients=[Recipient(organization=world.hospital.organization)])[0]
    client = client_for(world.discharge_nurse)
    listing = client.get(url("document_list", handoff_id=handoff.pk)).content.decode()
    assert url("document_acknowledge", handoff_id=handoff.pk, sending_id=sending.pk) in listing
    response = client.post(url("document_acknowledge", handoff_id=handoff.pk, sending_id=sending.pk))
    assert response.status_code == 302
    sending.refresh_from_db()
    assert sending.acknowledged_by == world.discharge_nurse


def test_the_pdf_is_a4_with_the_page_count_and_is_a_logged_read(world):
    handoff = open_handoff(world, hospital=world.paper_hospital)
    document = services.document_save(membership=world.care_manager, handoff=handoff, kind="admission_info",
                                      data={"patient_wishes": "自宅で最期まで暮らしたい。" * 80})
    reads = AuditEntry.objects.filter(action=AuditEntry.Action.READ).count()
    response = client_for(world.care_manager).get(url("document_pdf", handoff_id=handoff.pk,
                                                      document_id=document.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.READ).count() > reads
    pages = pdf_text.pages(response.content)
    assert pages >= 2
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in response.content  # A4
    first = pdf_text.text(response.content)
    assert f"{pages} 枚" in first
    assert "0773-23-0000" in first  # the paper hospital's FAX from the directory
    assert world.patient.name in first
    assert f"1 / {pages}" in first


def test_the_pdf_with_initials_leaves_the_name_and_address_out(world):
    world.patient.kana = "シケン タロウ"
    world.patient.address = "試験市本町1-2-3"
    world.patient.save()
    handoff = open_handoff(world)
    document = services.document_save(membership=world.care_manager, handoff=handoff, kind="admission_info",
                                      data={})
    response = client_for(world.care_manager).get(
        url("document_pdf", handoff_id=handoff.pk, document_id=document.pk) + "?initials=on")
    text = pdf_text.text(response.content)
    assert "S.T." in text
    assert world.patient.name not in text
    assert "試験市本町" not in text


@pytest.mark.parametrize(("kana", "expected"), [("ヤマダ タロウ", "Y.T."), ("しけん　はなこ", "S.H."),
                                                ("ジョウ チエ", "J.C."), ("", "")])
def test_initials_are_read_from_the_kana(kana, expected):
    assert initials(kana) == expected


def test_every_kind_prints(world):
    handoff = open_handoff(world)
    for kind in DocumentKind.values:
        by = world.care_manager if kind in services.HOME_KINDS else world.discharge_nurse
        document = services.document_save(membership=by, handoff=handoff, kind=kind, data={})
        response = client_for(by).get(url("document_pdf", handoff_id=handoff.pk, document_id=document.pk))
        assert response.status_code == 200 and response.content.startswith(b"%PDF-"), kind


def test_the_api_saves_sends_and_acknowledges(world, api_token_for):
    from django.test import Client

    handoff = open_handoff(world)
    home = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(world.care_manager)}"}
    hospital = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(world.discharge_nurse)}"}
    client = Client()
    base = f"/api/v1/handoffs/{handoff.pk}/documents"
    response = client.post(base, json.dumps({"kind": "admission_info", "data": {"sleep": "nope"}}),
                           content_type="application/json", **home)
    assert response.status_code == 422
    assert "sleep" in response.json()["errors"]
    response = client.post(base, json.dumps({"kind": "admission_info", "data": {"sleep": "good"}}),
                           content_type="application/json", **home)
    assert response.status_code == 201
    document_id = response.json()["id"]
    response = client.post(f"{base}/{document_id}/send", json.dumps({"recipients": [
        {"organization_id": world.hospital.organization.pk}]}), content_type="application/json", **home)
    assert response.status_code == 200, response.content
    assert response.json()[0]["channel"] == "renkei"
    listed = client.get(base, **hospital).json()
    assert listed[0]["sendings"][0]["acknowledged_at"] is None
    response = client.post(f"{base}/{document_id}/acknowledge", **hospital)
    assert response.status_code == 200
    assert client.get(f"{base}/{document_id}", **hospital).json()["sendings"][0]["acknowledged_at"] is not None
    assert client.post(f"{base}/{document_id}/acknowledge", **home).status_code == 403


def test_the_handoff_page_section_lists_the_forms_with_their_receipt(world):
    from django.template import Context, Template
    from django.test import RequestFactory

    from renkei.handoff.sections import rendered_sections

    handoff = open_handoff(world)
    document = services.document_save(membership=world.care_manager, handoff=handoff, kind="admission_info",
                                      data={})
    services.document_send(membership=world.care_manager, document=document,
                           recipients=[Recipient(organization=world.hospital.organization)])
    section = next(s for s in rendered_sections(world.discharge_nurse, handoff) if s["key"] == "documents")
    request = RequestFactory().get("/")
    html = Template("{% for s in sections %}{% include s.template with section=s.context %}{% endfor %}").render(
        Context({"sections": [section], "request": request, "csrf_token": "x"}))
    assert url("document_detail", handoff_id=handoff.pk, document_id=document.pk) in html
    assert "入院時情報提供書" in html and "試験市民病院" in html
    assert "受領を記録" in html  # the nurse's hospital received it and may acknowledge
