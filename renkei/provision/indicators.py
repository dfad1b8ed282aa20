"""Provision's indicator providers (registered in ProvisionConfig.ready(); definitions in indicators/library.py).

Per municipality and period (a fiscal year), counts only — patient-level data never leaves the app:
- nights without on-call cover: the nights of the period (up to today) that a doctors' cover group of the
  municipality needed and nobody covered, over the nights needed (from the day the group was created);
- emergency admissions recorded by enrolled hospitals, by the patient's municipality;
- patients with a backup-hospital enrolment current on the reading day, by the patient's municipality;
- patients with a backup doctor (副主治医) on their team on the reading day, over patients with an attending doctor.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Q
from django.utils import timezone

from renkei.careteams.models import CareTeamMember, Patient, TeamRole
from renkei.indicators.areas import Area
from renkei.indicators.periods import Period
from renkei.indicators.registry import Computed

from .models import CoverGroup, EmergencyAdmission, PatientEnrolment, RotaShift, ShiftKind

NOTE = "Renkei の記録（在宅医療の提供体制）"


def _as_of(period: Period) -> dt.date:
    return min(period.end, timezone.localdate())


def nights_without_cover(municipalities: list, period: Period) -> list[Computed]:
    """Two queries whatever the number of municipalities and groups."""
    as_of = _as_of(period)
    by_id = {m.pk: m for m in municipalities}
    needed: Counter = Counter()
    uncovered: Counter = Counter()
    groups = {g.pk: g for g in CoverGroup.objects.filter(municipality_id__in=list(by_id),
                                                         kind=CoverGroup.Kind.DOCTORS).only(
        "pk", "municipality_id", "created_at")}
    if not groups:
        return []
    first = {pk: max(period.start, timezone.localtime(g.created_at).date()) for pk, g in groups.items()}
    covered = Counter(group_id for group_id, day in RotaShift.objects.filter(
        group_id__in=list(groups), kind=ShiftKind.NIGHT, date__range=(period.start, as_of), covering__isnull=False)
        .values_list("group_id", "date") if day >= first[group_id])
    for pk, group in groups.items():
        if first[pk] > as_of:
            continue
        nights = (as_of - first[pk]).days + 1
        needed[group.municipality_id] += nights
        uncovered[group.municipality_id] += nights - covered[pk]
    note = f"{NOTE} {as_of.isoformat()} 時点"
    return [Computed(Area.of_municipality(by_id[pk]), uncovered[pk], needed[pk], note) for pk in needed]


def _with_patients(ids) -> set[int]:
    """Municipalities with patients on Renkei (the others have no value, not zero)."""
    return set(Patient.objects.filter(municipality_id__in=list(ids)).values_list("municipality_id", flat=True)
               .order_by().distinct())


def emergency_admissions(municipalities: list, period: Period) -> list[Computed]:
    by_id = {m.pk: m for m in municipalities}
    with_patients = _with_patients(by_id)
    if not with_patients:
        return []
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=timezone.get_current_timezone())
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone())
    counts = Counter(EmergencyAdmission.objects.filter(patient__municipality_id__in=list(by_id),
                                                       admitted_at__gte=start, admitted_at__lt=end)
                     .values_list("patient__municipality_id", flat=True))
    return [Computed(Area.of_municipality(m), counts.get(pk, 0), None, NOTE) for pk, m in by_id.items()
            if pk in with_patients]


def patients_enrolled(municipalities: list, period: Period) -> list[Computed]:
    by_id = {m.pk: m for m in municipalities}
    with_patients = _with_patients(by_id)
    if not with_patients:
        return []
    as_of = _as_of(period)
    rows = (PatientEnrolment.objects.filter(patient__municipality_id__in=list(by_id),
                                            status__in=[PatientEnrolment.Status.ACTIVE, PatientEnrolment.Status.ENDED],
                                            decided_at__isnull=False, starts_on__lte=as_of)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=as_of))
            .values_list("patient__municipality_id", "patient_id").distinct())
    counts = Counter(pk for pk, _patient in set(rows))
    return [Computed(Area.of_municipality(m), counts.get(pk, 0), None, f"{NOTE} {as_of.isoformat()} 時点")
            for pk, m in by_id.items() if pk in with_patients]


def patients_with_backup_doctor(municipalities: list, period: Period) -> list[Computed]:
    by_id = {m.pk: m for m in municipalities}
    as_of = _as_of(period)
    rows = (CareTeamMember.objects.filter(team__patient__municipality_id__in=list(by_id), started_on__lte=as_of,
                                          role__in=[TeamRole.ATTENDING_DOCTOR, TeamRole.BACKUP_DOCTOR])
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=as_of))
            .values_list("team__patient__municipality_id", "team__patient_id", "role"))
    attended = {(m, p) for m, p, role in rows if role == TeamRole.ATTENDING_DOCTOR}
    backed = {(m, p) for m, p, role in rows if role == TeamRole.BACKUP_DOCTOR}
    denominator = Counter(m for m, _p in attended)
    numerator = Counter(m for m, _p in backed & attended)
    return [Computed(Area.of_municipality(by_id[pk]), numerator.get(pk, 0), total, f"{NOTE} {as_of.isoformat()} 時点")
            for pk, total in denominator.items()]


PROVIDERS = {
    "provision.nights_without_cover": nights_without_cover,
    "provision.emergency_admissions": emergency_admissions,
    "provision.patients_enrolled_with_backup_hospital": patients_enrolled,
    "provision.patients_with_backup_doctor": patients_with_backup_doctor,
}


def _numerators(provider):
    """A provider as a count of the careteams counts page: {municipality id: numerator}."""
    from renkei.core.models import Municipality

    def count(municipality_ids: list[int], period: Period) -> dict[int, int]:
        municipalities = list(Municipality.objects.filter(pk__in=municipality_ids))
        return {c.area.municipality.pk: int(c.numerator or 0) for c in provider(municipalities, period)}

    return count


count_enrolled = _numerators(patients_enrolled)
count_admissions = _numerators(emergency_admissions)
count_nights_without_cover = _numerators(nights_without_cover)


def register_counts() -> None:
    """Provision's lines on the municipality's counts page (/patients/counts/), from the same functions."""
    from django.utils.translation import gettext_lazy as _

    from renkei.careteams.selectors.counts import register_count

    register_count("provision.enrolled", _("patients with a backup-hospital enrolment"),
                   count_enrolled, 45)
    register_count("provision.admissions", _("emergency admissions to backup hospitals in the fiscal year"),
                   count_admissions, 50)
    register_count("provision.nights_without_cover", _("nights without on-call cover in the fiscal year"),
                   count_nights_without_cover, 55)
