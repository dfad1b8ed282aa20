"""Merging two entries that are the same facility, and dismissing pairs that are not.

A merge never deletes: the absorbed entry is closed with a reason that names the entry kept, so its
history, audit trail and old links stay readable.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import audit, policy
from renkei.core.concurrency import lock_in_order
from renkei.core.models import AuditEntry

from ..models import Facility, FacilityIdentifier, MergeCandidate, SurveyInvitation
from .facilities import refresh_derived_fields

# Public fields copied from the absorbed entry only where the kept one has nothing.
FILLED_WHEN_EMPTY = ("kana", "short_name", "name_romaji", "corporation_name", "postal_code", "address", "phone",
                     "fax", "website", "departments", "beds_total", "capacity", "hours_note", "description",
                     "service_type", "daily_living_area_id", "organization_id")


def _merge_sources(keep: dict | list, absorb: dict | list) -> dict:
    """Union of {source: last seen}; the later value wins (ISO dates and edition strings sort in time)."""
    def as_dict(value):
        return dict.fromkeys(value, "") if isinstance(value, list) else dict(value or {})

    merged = as_dict(keep)
    for source, seen in as_dict(absorb).items():
        if source not in merged or str(seen) > str(merged[source]):
            merged[source] = seen
    return merged


def facilities_merge(*, keep: Facility, absorb: Facility, membership) -> Facility:
    """Fold `absorb` into `keep` in one transaction and close `absorb` as "merged into …".

    Moves identifiers, opening hours (when `keep` has none), collaboration details that `keep` lacks or
    has older, survey invitations and sources; fills `keep`'s empty public fields and position.
    """
    # Authorised on the rows as stored, not on the instances passed in (which a caller may have changed).
    keep, absorb = _stored(keep), _stored(absorb)
    policy.require(membership, "directory.merge_facilities", keep)
    policy.require(membership, "directory.merge_facilities", absorb)
    if keep.pk == absorb.pk:
        raise ValidationError(_("A facility cannot be merged with itself."))
    if absorb.status == Facility.Status.CLOSED and absorb.closed_reason.startswith("merged"):
        raise ValidationError(_("“%(name)s” was already merged into another entry.") % {"name": absorb.name})
    moved = {"identifiers": [], "opening_hours": 0, "details": [], "survey_invitations": 0, "filled": []}
    with transaction.atomic():
        locked = lock_in_order(Facility, [keep.pk, absorb.pk])  # the one lock order: by primary key
        keep, absorb = locked[keep.pk], locked[absorb.pk]
        if not (policy.check(membership, "directory.merge_facilities", keep)
                and policy.check(membership, "directory.merge_facilities", absorb)):
            raise PermissionDenied("directory.merge_facilities")  # moved to another municipality meanwhile

        kept_codes = set(keep.identifiers.values_list("scheme", "value"))
        for identifier in absorb.identifiers.all():
            if (identifier.scheme, identifier.value) in kept_codes:
                identifier.delete()
            else:
                identifier.facility = keep
                identifier.save()
                moved["identifiers"].append(f"{identifier.scheme}:{identifier.value}")

        if not keep.opening_hours.exists():
            for hours in absorb.opening_hours.all():
                hours.facility = keep
                hours.save()
                moved["opening_hours"] += 1
            if moved["opening_hours"] and not keep.hours_note:
                keep.closed_on_holidays = absorb.closed_on_holidays

        kept_details = {d.attribute_id: d for d in keep.collaboration_details.all()}
        for detail in absorb.collaboration_details.select_related("attribute"):
            mine = kept_details.get(detail.attribute_id)
            if mine is None:
                detail.facility = keep
                detail.save()
            elif detail.confirmed_on > mine.confirmed_on:
                for name in ("value", "note", "confirmed_on", "confirmed_by", "confirmed_by_user_id", "source"):
                    setattr(mine, name, getattr(detail, name))
                mine.save()
            else:
                continue
            moved["details"].append(detail.attribute.code)

        taken_rounds = set(keep.survey_invitations.values_list("survey_round_id", flat=True))
        for invitation in SurveyInvitation.objects.filter(facility=absorb).exclude(survey_round_id__in=taken_rounds):
            invitation.facility = keep
            invitation.save()
            moved["survey_invitations"] += 1

        for name in FILLED_WHEN_EMPTY:
            if getattr(keep, name) in (None, "", {}, []) and getattr(absorb, name) not in (None, "", {}, []):
                setattr(keep, name, getattr(absorb, name))
                moved["filled"].append(name)
        if not keep.beds and absorb.beds:
            keep.beds = absorb.beds
        if not keep.has_position and absorb.has_position:
            for name in ("latitude", "longitude", "coordinate_source", "coordinate_quality"):
                setattr(keep, name, getattr(absorb, name))
            moved["filled"].append("position")
        keep.sources = _merge_sources(keep.sources, absorb.sources)
        refresh_derived_fields(keep)
        keep.save()

        absorb.status = Facility.Status.CLOSED
        absorb.closed_on = timezone.localdate()
        absorb.closed_reason = f"merged into {keep.name} (#{keep.pk})"[:200]
        absorb.save()

        _resolve_candidates(keep=keep, absorb=absorb, membership=membership)
        # One entry per facility, naming its municipality so that its staff see the merge in their audit log.
        audit.record(action=AuditEntry.Action.UPDATE, obj=keep, permission="directory.merge_facilities",
                     changes={"merged": {"absorbed_id": absorb.pk, "absorbed_name": absorb.name, **moved}},
                     reason=f"merge #{absorb.pk} into #{keep.pk}")
        audit.record(action=AuditEntry.Action.UPDATE, obj=absorb, permission="directory.merge_facilities",
                     changes={"merged_into": {"kept_id": keep.pk, "kept_name": keep.name},
                              "fields": ["closed_on", "closed_reason", "status"]},
                     reason=f"merge #{absorb.pk} into #{keep.pk}")
    return keep


def _stored(facility: Facility) -> Facility:
    return Facility.objects.select_related("municipality").get(pk=facility.pk)


def _resolve_candidates(*, keep: Facility, absorb: Facility, membership) -> None:
    """The reviewed pair becomes "merged"; pairs of the absorbed entry with a third one now point at `keep`."""
    now = timezone.now()
    user = membership.user if membership is not None else None
    pairs = MergeCandidate.objects.filter(Q(facility=absorb) | Q(other=absorb), status=MergeCandidate.Status.PENDING)
    for candidate in pairs:
        third = candidate.other_id if candidate.facility_id == absorb.pk else candidate.facility_id
        taken = MergeCandidate.objects.filter(Q(facility_id=keep.pk, other_id=third)
                                              | Q(facility_id=third, other_id=keep.pk)).exists()
        if third == keep.pk or taken:
            candidate.status = MergeCandidate.Status.MERGED
            candidate.decided_by = user
            candidate.decided_at = now
        elif candidate.facility_id == absorb.pk:
            candidate.facility_id = keep.pk
        else:
            candidate.other_id = keep.pk
        candidate.save()


def merge_candidate_dismiss(*, candidate: MergeCandidate, membership) -> MergeCandidate:
    """Record that the two entries of a pair are different facilities; the pair is not proposed again."""
    policy.require(membership, "directory.merge_facilities", candidate.facility)
    policy.require(membership, "directory.merge_facilities", candidate.other)
    with transaction.atomic():
        candidate.status = MergeCandidate.Status.DISMISSED
        candidate.decided_by = membership.user
        candidate.decided_at = timezone.now()
        candidate.save()
    return candidate


def merge_candidate_merge(*, candidate: MergeCandidate, keep_id: int, membership) -> Facility:
    """Merge the pair of a candidate, keeping the entry `keep_id` (one of the two)."""
    if keep_id not in (candidate.facility_id, candidate.other_id):
        raise ValidationError(_("Choose which of the two entries to keep."))
    keep, absorb = ((candidate.facility, candidate.other) if keep_id == candidate.facility_id
                    else (candidate.other, candidate.facility))
    return facilities_merge(keep=keep, absorb=absorb, membership=membership)


def identifiers_conflicting(facility: Facility, scheme: str, value: str):
    """Another facility already holding a code (corporate numbers excepted: they name a corporation)."""
    if scheme == FacilityIdentifier.Scheme.CORPORATE_NUMBER:
        return None
    return FacilityIdentifier.objects.filter(scheme=scheme, value=value).exclude(facility=facility).select_related(
        "facility").first()
