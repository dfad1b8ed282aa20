"""The region demo's rules part: 中丹医療圏's wide-area 退院調整ルール written by 京都府 (with the 中丹西保健所),
adopted by 福知山市, 舞鶴市 and 綾部市 and by the hospitals the handoff demo's patients stayed in, on a day in the
middle of the handoff demo's discharges (so that before and after both have figures), and the prefecture's
coordination survey of the month before it (figures like the seed's 県中 example: もれ率 about 31 %)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from renkei.core.models import AreaGroup, Membership, Role

NAME = "中丹圏域 入退院支援（退院調整）ルール"
SEED = 13
ADOPTERS = ("福知山市", "舞鶴市", "綾部市")


def build(city) -> list[str]:
    """Build this part for the demo prefecture of `city`; return the lines to print (none when built before)."""
    from renkei.directory.models import Facility
    from renkei.handoff.models import Handoff, RuleSet
    from renkei.handoff.services.rules import NATIONAL_STEPS, rule_set_create

    from ..services.rules import RowInput, adoption_record, coordination_row_add, coordination_survey_create

    group = AreaGroup.objects.filter(prefecture=city.prefecture, name="中丹医療圏").first()
    member = (Membership.objects.filter(user__email="prefecture@demo.renkei.example", role=Role.PREFECTURE_STAFF,
                                        is_active=True).select_related("organization__prefecture").first())
    if group is None or member is None or RuleSet.objects.filter(area_group=group, name=NAME).exists():
        return []
    rng = random.Random(SEED)
    today = timezone.localdate()
    handoffs = Handoff.objects.filter(status=Handoff.Status.DISCHARGED, municipality__in=group.municipalities.all(),
                                      discharged_on__isnull=False)
    days = sorted(handoffs.values_list("discharged_on", flat=True))
    adopted_on = days[len(days) // 2] if days else today - dt.timedelta(days=60)
    steps = [dict(step) for step in NATIONAL_STEPS]
    for step in steps:  # the area's agreement: the hospital tells the care manager three days before discharge
        if step["key"] == "discharge_notice":
            step["offset_days"] = -3
    rule = rule_set_create(
        membership=member, name=NAME, area_kind=RuleSet.AreaKind.AREA_GROUP, area_group=group,
        effective_from=adopted_on - dt.timedelta(days=14), steps=steps,
        note="京都府と中丹西・中丹東保健所が、圏域の病院・ケアマネジャー・市と検討会を重ねて策定（デモ）。"
             "福島県 県中圏域の退院調整ルールを参考にした例。")
    lines = [f"  広域の退院調整ルール: {rule.name}（{group.name}、{adopted_on.isoformat()} 採用）"]
    for municipality in group.municipalities.filter(name__in=ADOPTERS).order_by("jis_code"):
        adoption_record(membership=member, rule_set=rule, municipality=municipality, adopted_on=adopted_on)
    hospital_ids = list(handoffs.order_by().values_list("hospital_id", flat=True).distinct())
    hospitals = list(Facility.objects.filter(pk__in=hospital_ids, kind="hospital").order_by("name")[:4])
    for hospital in hospitals:
        adoption_record(membership=member, rule_set=rule, hospital=hospital, adopted_on=adopted_on)
    lines.append(f"  採用: {len(ADOPTERS)} 市、{len(hospitals)} 病院")

    month = (adopted_on.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    survey = coordination_survey_create(membership=member, prefecture=city.prefecture, area_group=group,
                                        month=month, title=f"{group.name} 退院調整状況調査（ルール策定前）")
    # Hospitals: about 31 % of discharges without coordination, about half of admissions without the form.
    for hospital in hospitals or []:
        admissions = rng.randint(30, 60)
        discharges = admissions - rng.randint(0, 4)
        coordination_row_add(membership=member, survey=survey, row=RowInput(
            respondent_kind="hospital", respondent_name=hospital.name, hospital=hospital, admissions=admissions,
            admission_info_missing=round(admissions * rng.uniform(0.45, 0.6)), discharges=discharges,
            discharge_uncoordinated=round(discharges * rng.uniform(0.27, 0.35))))
    for k in range(1, 7):
        admissions = rng.randint(4, 12)
        coordination_row_add(membership=member, survey=survey, row=RowInput(
            respondent_kind="care_manager", respondent_name=f"居宅介護支援事業所 {k}", admissions=admissions,
            admission_info_missing=round(admissions * rng.uniform(0.3, 0.6)), discharges=admissions,
            discharge_uncoordinated=round(admissions * rng.uniform(0.2, 0.4))))
    lines.append(f"  連携調整の調査: {survey.title}（{month:%Y-%m}）")
    return lines
