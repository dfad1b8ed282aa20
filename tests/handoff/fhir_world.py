"""Documents for the FHIR tests: a 診療情報提供書 and a 退院時サマリー with every field filled, the hospital with its
医療機関コード."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from renkei.directory.models import FacilityIdentifier
from renkei.handoff.models import DocumentKind, HandoffDocument
from renkei.handoff.services import handoffs as services

HOSPITAL_CODE = "2611234567"

SUMMARY = {
    "doctor_name": "山田 太郎",
    "admitted_on": "2026-11-02",
    "discharged_on": "2026-11-20",
    "admission_details": "救急外来から入院。\n酸素 2L 開始。",
    "admission_reason": "肺炎による呼吸不全",
    "admission_diagnoses": [{"name": "誤嚥性肺炎", "onset": "2026-11-01"}, {"name": "脱水症", "onset": ""}],
    "chief_complaint": "発熱、呼吸苦",
    "present_illness": "11月1日夕食後にむせ込み、夜間より発熱。",
    "past_history": "2018年 脳梗塞（右片麻痺）\n高血圧症",
    "allergies": "ペニシリン系抗菌薬（発疹）\n卵",
    "admission_medications": [{"name": "アムロジピン錠5mg", "dose": "1錠", "usage": "1日1回朝食後"}],
    "social_history": "妻と二人暮らし。喫煙なし。",
    "admission_findings": "SpO2 88%（室内気）、右下肺に水泡音。",
    "family_history": "父 脳梗塞",
    "hospital_course": "抗菌薬（SBT/ABPC）7日間で解熱。\n嚥下評価のうえ刻み食・とろみ付きで経口摂取再開。",
    "discharge_details": "自宅へ退院。訪問看護週2回を再開。",
    "discharge_diagnoses": [{"name": "誤嚥性肺炎", "onset": "2026-11"}, {"name": "嚥下障害", "onset": "数年前から"}],
    "discharge_medications": [{"name": "アムロジピン錠5mg", "dose": "1錠", "usage": "1日1回朝食後"},
                              {"name": "酸化マグネシウム錠330mg", "dose": "1回2錠 <朝夕>", "usage": "1日2回"}],
    "discharge_plan": "食事はとろみ付き。\n発熱時は訪問看護から主治医へ連絡。",
    "discharge_findings": "SpO2 96%（室内気）",
    "treatments": "抗菌薬点滴 7日間",
    "test_results": "WBC 12,300 → 6,800、CRP 14.2 → 0.8",
    "advance_directive": "延命処置は希望しない（本人・妻）。",
}

REFERRAL = {
    "to_facility_name": "福知山在宅クリニック", "to_department": "内科", "to_doctor_name": "佐藤 次郎",
    "from_doctor_name": "山田 太郎", "purpose": "退院後の在宅診療をお願いします。",
    "diagnoses": [{"name": "誤嚥性肺炎", "onset": "2026-11-01"}], "chief_complaint": "発熱",
    "present_illness": "11月1日より発熱。", "past_history": "脳梗塞", "allergies": "ペニシリン",
    "family_history": "", "physical_findings": "右下肺に水泡音", "infections": "なし",
    "social_history": "妻と二人暮らし", "medications": [{"name": "アムロジピン錠5mg", "dose": "1錠", "usage": "朝"}],
    "clinical_course": "抗菌薬で改善。", "care_plan": "嚥下訓練の継続", "test_results": "CRP 0.8",
    "advance_directive": "", "remarks": "ご高配のほどお願い申し上げます。",
}


def give_code(world, value: str = HOSPITAL_CODE) -> None:
    FacilityIdentifier.objects.create(facility=world.hospital, scheme="medical_institution_code", value=value)


def document(world, handoff, kind: str = DocumentKind.DISCHARGE_SUMMARY, data: dict | None = None,
             author=None, version: int = 1) -> HandoffDocument:
    author = author or world.discharge_nurse
    return HandoffDocument.objects.create(handoff=handoff, kind=kind, version=version,
                                          data=dict(SUMMARY if kind == DocumentKind.DISCHARGE_SUMMARY else REFERRAL)
                                          if data is None else data,
                                          author=author, author_organization=author.organization)


def discharged(world, handoff, days_ago: float = 0.5):
    return services.discharge_record(membership=world.care_manager, handoff=handoff,
                                     discharged_at=timezone.now() - dt.timedelta(days=days_ago))
