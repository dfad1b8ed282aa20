"""The shared collaboration taxonomy and the service types, seeded by a data migration.

Seeded from what local resource maps actually ask facilities (anchors §7: axmo999/zaitaku-map-test's
question list, 在宅医療・介護資源マップ surveys). Staff extend it in the browser; seeding only adds
what is missing and never overwrites a name staff changed.
"""

from __future__ import annotations

H, C, D, P, N, S, CSC, INF = ("hospital", "clinic", "dental_clinic", "pharmacy", "visiting_nursing_station",
                              "care_service", "community_support_center", "informal_resource")
MEDICAL = [H, C]
NURSING_AND_CARE = [N, S]
YES, CHOICE, MULTI, TEXT, NUMBER = "yes_no", "choice", "multi_choice", "text", "number"
PRO = "professional"

# 介護保険サービス種別 (codes of the 介護サービス情報公表システム open data) and informal resource types.
SERVICE_TYPES: dict[str, tuple[str, str]] = {
    "110": ("訪問介護", "home help"),
    "120": ("訪問入浴介護", "home bathing"),
    "130": ("訪問看護", "home-visit nursing"),
    "140": ("訪問リハビリテーション", "home-visit rehabilitation"),
    "150": ("通所介護", "day service"),
    "155": ("療養通所介護", "day service for medical needs"),
    "160": ("通所リハビリテーション", "day rehabilitation"),
    "170": ("福祉用具貸与", "welfare equipment rental"),
    "210": ("短期入所生活介護", "short stay"),
    "220": ("短期入所療養介護（介護老人保健施設）", "medical short stay (geriatric health facility)"),
    "320": ("認知症対応型共同生活介護", "dementia group home"),
    "331": ("特定施設入居者生活介護（有料老人ホーム）", "designated facility (private home)"),
    "410": ("特定福祉用具販売", "welfare equipment sales"),
    "430": ("居宅介護支援", "care management"),
    "510": ("介護老人福祉施設", "special nursing home"),
    "520": ("介護老人保健施設", "geriatric health services facility"),
    "550": ("介護医療院", "integrated medical and long-term care facility"),
    "710": ("夜間対応型訪問介護", "night-time home help"),
    "720": ("認知症対応型通所介護", "dementia day service"),
    "730": ("小規模多機能型居宅介護", "small multifunctional home care"),
    "760": ("定期巡回・随時対応型訪問介護看護", "24-hour regular and on-call home care"),
    "770": ("看護小規模多機能型居宅介護", "nursing small multifunctional home care"),
    "780": ("地域密着型通所介護", "community day service"),
    "kayoi_no_ba": ("通いの場", "community gathering place"),
    "meal_delivery": ("配食サービス", "meal delivery"),
    "watching": ("見守り", "watching over"),
    "visiting_volunteers": ("訪問型ボランティア", "visiting volunteers"),
    "dementia_cafe": ("認知症カフェ", "dementia café"),
    "transport": ("移動支援", "transport support"),
}
INFORMAL_SERVICE_TYPES = ["kayoi_no_ba", "meal_delivery", "watching", "visiting_volunteers", "dementia_cafe",
                          "transport"]
VISITING_NURSING_SERVICE_TYPE = "130"

CATEGORIES: list[tuple[str, str, str]] = [
    ("home_medical_care", "在宅医療の取り組み", "home medical care"),
    ("medical_care_accepted", "在宅で対応できる医療的ケア", "medical care handled at home"),
    ("conditions_accepted", "受け入れ可能な状態", "conditions accepted"),
    ("dental", "訪問歯科", "home dental care"),
    ("pharmacy", "薬局の在宅対応", "pharmacy home care"),
    ("care_service", "介護サービスの詳細", "care service details"),
    ("professional_contact", "専門職向け連絡方法", "how professionals reach us"),
    ("availability", "受け入れ状況", "availability"),
]

MEETING_CHOICES = [
    {"code": "at_facility", "name": "医療機関で開催なら参加可", "name_en": "at our premises"},
    {"code": "during_visit", "name": "往診時に参加可", "name_en": "during a home visit"},
    {"code": "within_30_min", "name": "30分以内なら参加可", "name_en": "if within 30 minutes"},
    {"code": "within_15_min", "name": "15分以内なら参加可", "name_en": "if within 15 minutes"},
    {"code": "difficult", "name": "参加は困難", "name_en": "difficult"},
]
CONTACT_METHOD_CHOICES = [
    {"code": "phone", "name": "電話", "name_en": "phone"},
    {"code": "fax", "name": "FAX", "name_en": "fax"},
    {"code": "email", "name": "メール", "name_en": "e-mail"},
    {"code": "ict", "name": "連携ICT（MCS等）", "name_en": "collaboration ICT (MCS etc.)"},
    {"code": "visit", "name": "来院して面談", "name_en": "meeting in person"},
]
TIME_SLOT_CHOICES = [
    {"code": "morning", "name": "午前", "name_en": "mornings"},
    {"code": "lunch", "name": "昼休み", "name_en": "lunch break"},
    {"code": "afternoon", "name": "午後", "name_en": "afternoons"},
    {"code": "after_hours", "name": "診療時間後", "name_en": "after hours"},
    {"code": "any_time", "name": "随時", "name_en": "any time"},
]
AGE_GROUP_CHOICES = [
    {"code": "children", "name": "小児", "name_en": "children"},
    {"code": "adults", "name": "成人", "name_en": "adults"},
    {"code": "psychiatric", "name": "精神", "name_en": "psychiatric"},
]

# (category, code, name, English name, value type, applies to, extra)
ATTRIBUTES: list[tuple[str, str, str, str, str, list[str], dict]] = [
    ("home_medical_care", "scheduled_home_visit", "訪問診療", "scheduled home visits", YES, MEDICAL, {}),
    ("home_medical_care", "urgent_home_visit", "往診", "urgent home visits", YES, MEDICAL, {}),
    ("home_medical_care", "home_end_of_life_care", "在宅看取り", "end-of-life care at home", YES, MEDICAL + [N], {}),
    ("home_medical_care", "round_the_clock", "24時間対応", "24-hour response", YES, MEDICAL + [N, P, S], {}),
    ("home_medical_care", "home_care_support_certified", "在宅療養支援診療所・病院の届出",
     "home care support clinic / hospital", YES, MEDICAL, {}),
    ("home_medical_care", "backup_beds", "後方支援病床", "backup beds", YES, [H, C], {}),
    ("home_medical_care", "palliative_care", "がん末期の緩和ケア", "palliative care for terminal cancer", YES,
     MEDICAL + [N], {}),
    ("home_medical_care", "dementia_support_doctor", "認知症サポート医", "dementia support doctor", YES, MEDICAL, {}),
    ("home_medical_care", "dementia_care", "認知症対応", "dementia care", YES, [], {}),
    ("home_medical_care", "pediatric_home_care", "小児在宅", "home care for children", YES, MEDICAL + [D, P, N], {}),
    ("home_medical_care", "acp_support", "ACP（人生会議）の支援", "advance care planning support", YES,
     MEDICAL + [N, S, CSC], {}),
    ("home_medical_care", "opinion_letter", "主治医意見書の作成", "doctor's opinion for care certification", YES,
     MEDICAL, {}),
    ("home_medical_care", "home_rehabilitation", "在宅リハビリテーション", "rehabilitation at home", YES,
     MEDICAL + [N, S], {}),
    ("medical_care_accepted", "sputum_suction", "喀痰吸引", "sputum suction", YES, MEDICAL + [N, S], {}),
    ("medical_care_accepted", "tube_feeding", "経管栄養（胃ろう・経鼻・腸ろう）", "tube feeding", YES,
     MEDICAL + [N, S], {}),
    ("medical_care_accepted", "home_oxygen", "在宅酸素療法", "home oxygen therapy", YES, MEDICAL + [N, S], {}),
    ("medical_care_accepted", "ventilator", "人工呼吸器", "ventilator", YES, MEDICAL + [N, S], {}),
    ("medical_care_accepted", "central_venous_nutrition", "中心静脈栄養（IVH）", "central venous nutrition", YES,
     MEDICAL + [N, S], {}),
    ("medical_care_accepted", "tracheostomy", "気管切開", "tracheostomy", YES, MEDICAL + [N, S], {}),
    ("medical_care_accepted", "drip_infusion", "点滴", "drip infusion", YES, MEDICAL + [N], {}),
    ("medical_care_accepted", "insulin_injection", "インスリン注射", "insulin injection", YES, MEDICAL + [N, S], {}),
    ("medical_care_accepted", "pressure_ulcer_care", "褥そう処置", "pressure ulcer care", YES, MEDICAL + [N, S], {}),
    ("medical_care_accepted", "stoma_care", "ストーマ（人工肛門）", "stoma care", YES, MEDICAL + [N, S], {}),
    ("medical_care_accepted", "urinary_catheter", "膀胱留置カテーテル", "indwelling urinary catheter", YES,
     MEDICAL + [N, S], {}),
    ("medical_care_accepted", "dialysis", "透析（血液・腹膜）", "dialysis", YES, MEDICAL + [N], {}),
    ("medical_care_accepted", "pain_management", "疼痛管理（麻薬使用）", "pain management with opioids", YES,
     MEDICAL + [N], {}),
    ("conditions_accepted", "intractable_disease", "難病", "intractable diseases", YES, [], {}),
    ("conditions_accepted", "mental_illness", "精神疾患", "mental illness", YES, [], {}),
    ("conditions_accepted", "infection_mrsa", "感染症（MRSA・肝炎等）", "infections (MRSA, hepatitis)", YES, [], {}),
    ("conditions_accepted", "disability", "障害", "disabilities", YES, [], {}),
    ("dental", "home_dental_visit", "訪問歯科診療", "home dental visits", YES, [D], {}),
    ("dental", "home_dental_support_certified", "在宅療養支援歯科診療所", "home care support dental clinic", YES,
     [D], {}),
    ("dental", "swallowing_rehabilitation", "摂食嚥下リハビリ", "swallowing rehabilitation", YES, [D, H, C], {}),
    ("dental", "oral_care", "口腔ケア", "oral care", YES, [D, N, S], {}),
    ("dental", "dentures", "入れ歯の調整・作製", "dentures", YES, [D], {}),
    ("pharmacy", "home_pharmacy_visit", "在宅訪問薬剤管理", "home pharmacy visits", YES, [P], {}),
    ("pharmacy", "sterile_preparation", "無菌調剤", "sterile preparation", YES, [P], {}),
    ("pharmacy", "narcotics", "麻薬調剤", "narcotics dispensing", YES, [P], {}),
    ("pharmacy", "unit_dose_packaging", "一包化", "unit-dose packaging", YES, [P], {}),
    ("pharmacy", "tablet_crushing", "錠剤の粉砕", "tablet crushing", YES, [P], {}),
    ("pharmacy", "date_printed_packets", "袋に日付・朝昼夕を記載", "packets marked with date and time", YES, [P], {}),
    ("pharmacy", "delivery", "薬の配達", "medicine delivery", YES, [P], {}),
    ("care_service", "age_groups", "対象", "who is served", MULTI, NURSING_AND_CARE,
     {"choices": AGE_GROUP_CHOICES}),
    ("care_service", "weekends_and_holidays", "土日祝の対応", "weekends and holidays", YES, NURSING_AND_CARE, {}),
    ("care_service", "night_service", "夜間の対応", "night-time service", YES, NURSING_AND_CARE, {}),
    ("care_service", "therapists", "リハビリ職（PT・OT・ST）の配置", "therapists on staff", YES, NURSING_AND_CARE, {}),
    ("care_service", "male_staff", "男性スタッフ", "male staff", YES, NURSING_AND_CARE, {}),
    ("care_service", "dietitian", "管理栄養士の配置", "dietitian on staff", YES, [S], {}),
    ("care_service", "sputum_suction_certified", "喀痰吸引等の認定職員", "staff certified for sputum suction", YES,
     [S], {}),
    ("care_service", "disability_services", "障害福祉サービスも提供", "also disability services", YES,
     NURSING_AND_CARE, {}),
    ("care_service", "monthly_fee", "月額の目安（円）", "typical monthly fee (yen)", NUMBER, [S], {}),
    ("care_service", "admission_conditions", "入所条件", "admission conditions", TEXT, [S], {}),
    # Not for pharmacies: they have no doctor or nurse to consult (migration 0005 corrected installed databases).
    ("professional_contact", "how_to_meet_doctor", "医師・看護師への相談方法", "how to consult the doctor or nurse",
     MULTI, MEDICAL + [N, D], {"choices": CONTACT_METHOD_CHOICES, "visibility": PRO}),
    ("professional_contact", "consultation_times", "相談しやすい時間帯", "best times to consult", MULTI, [],
     {"choices": TIME_SLOT_CHOICES, "visibility": PRO}),
    ("professional_contact", "professional_phone", "専門職用の連絡先", "line for professionals", TEXT, [],
     {"visibility": PRO, "help_text": "代表番号とは別の、専門職が医師・看護師に直接相談できる番号"}),
    ("professional_contact", "care_plan_meeting_attendance", "サービス担当者会議への医師の参加",
     "doctor attends care-plan meetings", CHOICE, MEDICAL, {"choices": MEETING_CHOICES, "visibility": PRO}),
    ("professional_contact", "contact_24h_line", "24時間の緊急連絡体制", "24-hour emergency contact", YES,
     MEDICAL + [N, S], {"visibility": PRO}),
    ("professional_contact", "requests_to_professionals", "他職種への要望", "requests to other professions", TEXT,
     [], {"visibility": PRO}),
    ("availability", "accepting_new_clients", "新規の受け入れ可", "accepting new clients now", YES, [], {}),
    ("availability", "service_area", "訪問・対応地域", "area served", TEXT, [], {}),
]

# Attributes the coverage computation relies on: keep their codes stable.
HOME_VISIT_ATTRIBUTES = ("scheduled_home_visit", "urgent_home_visit")
ROUND_THE_CLOCK_ATTRIBUTE = "round_the_clock"


def seed_taxonomy(category_model, attribute_model) -> int:
    """Add the built-in categories and attributes that are missing; return how many were added.

    Takes the model classes so that the data migration can pass its historical models.
    """
    added = 0
    categories = {}
    for order, (code, name, name_en) in enumerate(CATEGORIES):
        categories[code], created = category_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order * 10})
        added += created
    for order, (category, code, name, name_en, value_type, applies_to, extra) in enumerate(ATTRIBUTES):
        _, created = attribute_model.objects.get_or_create(code=code, defaults={
            "category": categories[category], "name": name, "name_en": name_en, "value_type": value_type,
            "applies_to": applies_to, "choices": extra.get("choices", []),
            "visibility": extra.get("visibility", "public"), "help_text": extra.get("help_text", ""),
            "is_builtin": True, "sort_order": order * 10,
        })
        added += created
    return added
