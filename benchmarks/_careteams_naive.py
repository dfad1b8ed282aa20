"""The naive baseline of the careteams benchmarks: membership and consent checked with a query per object.

What an application without `renkei.careteams.access` would do: to decide on one patient, ask the database
whether the member is on that patient's team (one query on CareTeamMember), then whether a current consent
covers them (one query on Consent, one on its organizations when limited); nothing cached. To list "my
patients", take the organization's patients (those whose team has anyone of the member's organization, or
that it registered) and decide on each one in turn. `install()` puts these in place of the access functions
(the policy calls them through the module), so the same views run on the naive checks.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone


def naive_team_member(membership, patient):
    from renkei.careteams.models import CareTeamMember

    if membership is None or patient is None or patient.pk is None:
        return None
    today = timezone.localdate()
    return (CareTeamMember.objects.filter(team__patient_id=patient.pk, membership=membership, started_on__lte=today)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today)).select_related("team").first())


def naive_has_consent_for(membership, patient) -> bool:
    from renkei.careteams.models import Consent

    if membership is None or patient is None:
        return False
    if membership.organization_id == patient.registered_by_organization_id:
        return True
    member = naive_team_member(membership, patient)
    for consent in Consent.objects.filter(patient_id=patient.pk, withdrawn_at__isnull=True,
                                          consented_on__lte=timezone.localdate()):
        if consent.covers_whole_team or (member is not None and member.role in (consent.roles or [])):
            return True
        if consent.organizations.filter(pk=membership.organization_id).exists():
            return True
    return False


def naive_check(membership, patient) -> bool:
    """May this member see this patient: on the team (a query) and covered by a consent (another)."""
    return naive_team_member(membership, patient) is not None and naive_has_consent_for(membership, patient)


def naive_visible_patient_ids(membership) -> list[int]:
    """The organization's patients, each decided on by its own queries."""
    from renkei.careteams.models import Patient
    from renkei.core.models import Role

    if membership is None or membership.role != Role.PROFESSIONAL:
        return []
    org = membership.organization_id
    candidates = (Patient.objects.filter(Q(care_team__members__organization_id=org) |
                                         Q(registered_by_organization_id=org))
                  .only("pk", "registered_by_organization_id").distinct().order_by("pk"))
    return [patient.pk for patient in candidates if naive_check(membership, patient)]


def install() -> None:
    """Replace the access facts with the naive ones (for this process: the baseline server or a measurement)."""
    from renkei.careteams import access

    access.team_member = naive_team_member
    access.has_consent_for = naive_has_consent_for
    access.visible_patient_ids = naive_visible_patient_ids
    access.forget = lambda membership: None
