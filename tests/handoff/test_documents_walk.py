"""Every route and API operation of the handoff forms, walked as every person of the world."""

import pytest
from django.urls import reverse

from renkei.handoff.models import DocumentKind
from renkei.handoff.services import documents as services
from renkei.handoff.services.documents import Recipient

from .factories import open_handoff
from .walk import Route, members_of, walk_api, walk_web

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"handoff:{name}", kwargs=kwargs)


def _documents(world, handoff):
    info = services.document_save(membership=world.care_manager, handoff=handoff, kind=DocumentKind.ADMISSION_INFO,
                                  data={})
    summary = services.document_save(membership=world.discharge_nurse, handoff=handoff,
                                     kind=DocumentKind.DISCHARGE_SUMMARY, data={})
    sending = services.document_send(membership=world.care_manager, document=info,
                                     recipients=[Recipient(organization=world.hospital.organization)])[0]
    return info, summary, sending


def test_every_forms_screen_answers_exactly_what_the_policy_allows(world):
    handoff = open_handoff(world)
    info, summary, sending = _documents(world, handoff)
    h = handoff.pk
    routes = [
        Route(url("document_list", handoff_id=h), "handoff.view_handoff", handoff),
        Route(url("document_new", handoff_id=h, kind="admission_info"), "handoff.act_as_home", handoff),
        Route(url("document_new", handoff_id=h, kind="discharge_record"), "handoff.act_as_home", handoff),
        Route(url("document_new", handoff_id=h, kind="discharge_summary"), "handoff.act_as_hospital", handoff),
        Route(url("document_new", handoff_id=h, kind="screening"), "handoff.act_as_hospital", handoff),
        Route(url("document_detail", handoff_id=h, document_id=info.pk), "handoff.view_handoff", handoff),
        Route(url("document_detail", handoff_id=h, document_id=summary.pk), "handoff.view_handoff", handoff),
        Route(url("document_send", handoff_id=h, document_id=info.pk), "handoff.act_as_home", handoff),
        Route(url("document_send", handoff_id=h, document_id=summary.pk), "handoff.act_as_hospital", handoff),
        Route(url("document_pdf", handoff_id=h, document_id=info.pk), "handoff.view_handoff", handoff),
        Route(url("document_pdf", handoff_id=h, document_id=summary.pk) + "?initials=on", "handoff.view_handoff",
              handoff),
        Route(url("document_acknowledge", handoff_id=h, sending_id=sending.pk), services.ACKNOWLEDGE, sending,
              method="post"),
    ]
    outcomes = walk_web(routes, members_of(world))
    assert all(seen == {True, False} for seen in outcomes.values()), outcomes


def test_the_paper_record_screen_is_the_home_sides_when_the_hospital_is_not_on_renkei(world):
    handoff = open_handoff(world, hospital=world.paper_hospital)
    summary = services.document_save(membership=world.care_manager, handoff=handoff,
                                     kind=DocumentKind.DISCHARGE_SUMMARY, data={})
    h = handoff.pk
    routes = [
        Route(url("document_new", handoff_id=h, kind="nursing_summary"), "handoff.act_as_home", handoff),
        Route(url("document_send", handoff_id=h, document_id=summary.pk), "handoff.act_as_home", handoff),
    ]
    walk_web(routes, members_of(world))


def test_every_forms_api_operation_answers_exactly_what_the_policy_allows(world, api_token_for):
    handoff = open_handoff(world)
    info, summary, sending = _documents(world, handoff)
    base = f"/api/v1/handoffs/{handoff.pk}/documents"
    routes = [
        Route(base, "handoff.view_handoff", handoff),
        Route(base, "handoff.write_document", handoff, method="post"),
        Route(f"{base}/{info.pk}", "handoff.view_handoff", handoff),
        Route(f"{base}/{summary.pk}", "handoff.view_handoff", handoff),
        Route(f"{base}/{info.pk}/send", "handoff.act_as_home", handoff, method="post"),
        Route(f"{base}/{summary.pk}/send", "handoff.act_as_hospital", handoff, method="post"),
        Route(f"{base}/{info.pk}/acknowledge", services.ACKNOWLEDGE, sending, method="post"),
    ]
    walk_api(routes, members_of(world), api_token_for)
