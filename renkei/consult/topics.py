"""The national default topics of consultations (staff add their municipality's own on the topics screen).

Grouped by the four scenes, with topics that belong to none (the collaboration itself, systems and costs). Drawn
from the kinds of consultation the 手引き and the desks' yearly reports name (research: anchors §オ).
"""

from __future__ import annotations

NATIONAL_TOPICS = [
    # (code, scene, 日本語, English)
    ("find_home_doctor", "daily_care", "訪問診療・往診をする医師を探したい", "Finding a doctor who visits at home"),
    ("home_services", "daily_care", "訪問看護・在宅サービスの調整", "Arranging visiting nursing and home services"),
    ("medication", "daily_care", "服薬・薬剤の管理", "Medication management"),
    ("dental_oral", "daily_care", "歯科・口腔ケア・食べること", "Dental and oral care, eating"),
    ("medical_procedures", "daily_care", "医療処置（胃ろう・在宅酸素・褥瘡など）",
     "Medical procedures at home (PEG, oxygen, pressure ulcers…)"),
    ("dementia_support", "daily_care", "認知症の人への対応", "Supporting a person with dementia"),
    ("discharge_coordination", "admission_discharge", "退院に向けた調整", "Preparing a discharge home"),
    ("admission_information", "admission_discharge", "入院時の情報提供", "Information at admission"),
    ("placement", "admission_discharge", "施設・受け入れ先の相談", "Finding a care home or placement"),
    ("emergency_response", "emergency", "急変時の対応・連絡体制", "What to do and whom to call in an emergency"),
    ("backup_beds", "emergency", "後方支援病床・入院先の確保", "Backup beds and admission in an emergency"),
    ("death_at_home", "end_of_life", "在宅での看取り", "Dying at home"),
    ("acp", "end_of_life", "人生会議・意思決定の支援", "Advance care planning and decision support"),
    ("collaboration", "", "多職種の連携・連絡の方法", "How to work and communicate across professions"),
    ("systems_costs", "", "制度・費用", "Systems, insurance and costs"),
    ("family_burden", "", "家族の介護負担", "Family caregivers' burden"),
    ("other", "", "その他", "Other"),
]


def seed_topics(model) -> int:
    """Create the missing national topics (by code); never touches a municipality's own. Returns how many."""
    created = 0
    for order, (code, scene, name_ja, name_en) in enumerate(NATIONAL_TOPICS, start=1):
        _, was_created = model.objects.get_or_create(
            municipality=None, code=code,
            defaults={"scene": scene, "name_ja": name_ja, "name_en": name_en, "order": order * 10})
        created += was_created
    return created
