"""Helpers of the case tests: recording a case through the service, a patient the coordinator sees."""

from __future__ import annotations

from django.utils import timezone

from renkei.consult.models import Case, RequesterKind
from renkei.consult.services import cases as services
from renkei.core.models import Profession


def recorded(world, *, by=None, received_at=None, topics=None, **data) -> Case:
    """A care manager's call recorded by the desk's coordinator (or `by`) through the service."""
    fields = {"received_at": received_at or timezone.now(), "channel": "phone",
              "requester_kind": RequesterKind.CARE_MANAGER, "requester_profession": Profession.CARE_MANAGER,
              "requester_facility": world.care_office, "requester_name": "連携 太郎",
              "requester_contact": "0773-00-1111", "subject_description": "80代女性、独居",
              "scene": "daily_care", "question": "訪問診療をしてくれる医師を探しています。", **data}
    return services.case_record(membership=by or world.coordinator, desk=world.desk, data=fields,
                                topics=topics if topics is not None else [world.topic("find_home_doctor")])


def patient_seen_by(membership):
    """A patient `membership` may view now. Care teams hold professionals only, so a desk member (coordinator,
    municipal staff) passes `careteams.view_patient` only through a running break-glass access."""
    import datetime as dt

    from renkei.careteams.models import BreakGlassAccess
    from tests.careteams.factories import PatientFactory

    patient = PatientFactory()
    BreakGlassAccess.objects.create(patient=patient, membership=membership, reason="相談対応のため",
                                    expires_at=timezone.now() + dt.timedelta(hours=1))
    return patient
