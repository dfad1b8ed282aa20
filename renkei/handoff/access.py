"""The facts the handoff rules are built from (only `policy.py` asks these).

A handoff is seen by the patient's team with consent (careteams' rule) and by the professionals of the hospital
handling the admission, while the stay lasts and for `HOSPITAL_WINDOW_DAYS` after discharge, and only while a
current consent for admission and discharge (purpose "handoff") covers the whole team or names that hospital.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from renkei.careteams.models import Consent
from renkei.core.models import Role

HOSPITAL_WINDOW_DAYS = 30  # the hospital still sends summaries and answers questions after discharge


def _cache(membership) -> dict:
    cache = getattr(membership, "_handoff_cache", None)
    if cache is None:
        cache = {}
        membership._handoff_cache = cache
    return cache


def forget(membership) -> None:
    if membership is not None and hasattr(membership, "_handoff_cache"):
        del membership._handoff_cache


def handoff_consents(patient_id, organization_id):
    """Current consents of the patient that cover admission and discharge for this organization."""
    return (Consent.objects.filter(patient_id=patient_id, withdrawn_at__isnull=True,
                                   consented_on__lte=timezone.localdate(), purposes__icontains="handoff")
            .filter(Q(covers_whole_team=True) | Q(organizations=organization_id)))


def window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=HOSPITAL_WINDOW_DAYS)


def is_in_window(handoff) -> bool:
    if handoff.status == handoff.Status.CANCELLED:
        return False
    return handoff.discharged_at is None or handoff.discharged_at >= window_start()


def is_hospital_staff(membership, handoff) -> bool:
    """A professional of the hospital handling this admission (on Renkei), whatever the consent."""
    return (membership is not None and membership.role == Role.PROFESSIONAL
            and handoff.hospital_organization_id is not None
            and membership.organization_id == handoff.hospital_organization_id)


def hospital_sees(membership, handoff) -> bool:
    """The hospital's professionals, within the window, covered by a current consent for handoffs."""
    if not is_hospital_staff(membership, handoff) or not is_in_window(handoff):
        return False
    key = ("hospital_consent", handoff.patient_id)
    cache = _cache(membership)
    if key not in cache:
        cache[key] = handoff_consents(handoff.patient_id, membership.organization_id).exists()
    return cache[key]


def hospital_handoffs_q(membership) -> Q:
    """The query form of `hospital_sees` for lists (built from the viewer's hospital, never from all)."""
    if membership.role != Role.PROFESSIONAL:
        return Q(pk__in=[])
    consent = Exists(handoff_consents(OuterRef("patient_id"), membership.organization_id))
    return (Q(hospital_organization_id=membership.organization_id) & ~Q(status="cancelled")
            & (Q(discharged_at__isnull=True) | Q(discharged_at__gte=window_start())) & Q(consent))
