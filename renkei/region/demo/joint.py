"""The region demo's joint part: one joint training series of 福知山市, 舞鶴市 and 綾部市, delegated to the demo
medical association (委託先), and the joint project it belongs to.

This fiscal year's 中丹地域 多職種連携研修（共同実施）: three sessions held (the last one in the three cities in
turn), 36 participants from the three cities' organizations (their directory facilities where the directory has
some, else written names that count for the lead city), attendance with a few absences. Fixed seed; the series
and its sessions are saved one by one (audited by their signals), registrations and attendances in bulk with
one audit entry per row (`audit.record_many`, the municipality as owner, never a name). Idempotent.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from renkei.core import audit
from renkei.core.models import AuditEntry, JointProject, Municipality, Organization, Profession
from renkei.core.services.demo import GIVEN_NAMES, SURNAMES

SEED = 20261213
PROJECT_NAME = "中丹地域 在宅医療・介護連携 共同研修事業"
SERIES_TITLE = "中丹地域 多職種連携研修（共同実施）"
PARTNERS = ("舞鶴市", "綾部市")
PROFESSIONS = [Profession.CARE_MANAGER] * 4 + [Profession.NURSE] * 3 + [
    Profession.DOCTOR, Profession.PHARMACIST, Profession.SOCIAL_WORKER]
PLACES = ("福知山市民会館", "舞鶴市商工観光センター", "綾部市中央公民館")


def _fiscal_year(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def build(city) -> list[str]:
    """Build this part for the demo prefecture of `city`; return the lines to print (none when built before)."""
    from renkei.directory.models import Facility
    from renkei.training.models import Attendance, Registration, SeriesKind, TrainingSeries, TrainingSession

    if JointProject.objects.filter(prefecture_id=city.prefecture_id, name=PROJECT_NAME).exists():
        return []
    partners = list(Municipality.objects.filter(prefecture_id=city.prefecture_id, name__in=PARTNERS,
                                                abolished_on__isnull=True).order_by("code"))
    association = (Organization.objects.filter(municipality=city, kind=Organization.Kind.MEDICAL_ASSOCIATION,
                                               is_active=True).order_by("pk").first())
    if len(partners) != len(PARTNERS) or association is None:
        return []
    rng = random.Random(SEED)
    today = timezone.localdate()
    fiscal_year = _fiscal_year(today)
    started_on = dt.date(fiscal_year, 4, 1)
    project = JointProject.objects.create(
        name=PROJECT_NAME, prefecture_id=city.prefecture_id, lead_municipality=city, contractor=association,
        program_items=["f"], started_on=started_on,
        note="中丹医療圏の3市が共同で実施し、研修の企画運営を福知山医師会に委託する。")
    project.municipalities.set([city, *partners])
    audit.record(action=AuditEntry.Action.UPDATE, obj=project,
                 changes={"municipalities": {"added": sorted(m.code for m in [city, *partners]), "removed": []}})
    series = TrainingSeries.objects.create(
        municipality=city, kind=SeriesKind.LECTURE, title=SERIES_TITLE, fiscal_year=fiscal_year,
        description="中丹地域の医療・介護の専門職が、入退院支援と急変時の連携を事例で学ぶ3回連続の研修。",
        organizer=association, joint_project=project, is_open_for_registration=False)
    tz = timezone.get_current_timezone()
    sessions = []
    # Held sessions: spread over the fiscal year so far (at least a week apart, the last a week ago).
    span = max(21, (today - started_on).days - 7)
    for number, place in enumerate(PLACES):
        day = today - dt.timedelta(days=7 + (len(PLACES) - 1 - number) * span // len(PLACES))
        starts = dt.datetime.combine(day, dt.time(18, 30), tzinfo=tz)
        session = TrainingSession(series=series, title=f"第{number + 1}回", starts_at=starts,
                                  ends_at=starts + dt.timedelta(hours=2), place=place, capacity=50,
                                  status=TrainingSession.Status.HELD)
        session.save()
        sessions.append(session)
    homes = [city, *partners]
    facilities = {m.pk: list(Facility.objects.filter(municipality=m).order_by("pk").values_list("pk", flat=True)[:40])
                  for m in homes}
    rows = []
    for number in range(36):
        home = homes[number % len(homes)]
        facility = rng.choice(facilities[home.pk]) if facilities[home.pk] else None
        rows.append(Registration(series=series, name=rng.choice(SURNAMES) + " " + rng.choice(GIVEN_NAMES)[0],
                                 profession=rng.choice(PROFESSIONS), facility_id=facility,
                                 organization_name="" if facility else f"{home.name}内の事業所"))
    registrations = Registration.objects.bulk_create(rows)
    attendances = Attendance.objects.bulk_create([
        Attendance(registration=r, session=s, attended=rng.random() < 0.85)
        for s in sessions for r in registrations])
    audit.record_many([{"action": AuditEntry.Action.CREATE, "obj": r, "object_label": f"registration #{r.pk}",
                        "owner": city} for r in registrations]
                      + [{"action": AuditEntry.Action.CREATE, "obj": a, "object_label": f"attendance #{a.pk}",
                          "owner": city} for a in attendances])
    present = sum(a.attended for a in attendances)
    return [f"共同実施: {PROJECT_NAME}（{'・'.join(m.name for m in homes)}、委託先 {association.name}）",
            f"  {SERIES_TITLE}: {len(sessions)} 回開催、参加登録 {len(registrations)} 名、出席 {present} 件"]
