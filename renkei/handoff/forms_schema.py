"""The keys of each handoff form's `data` (HandoffDocument.data), shared by the screens, the PDF, the API and
the FHIR documents, with their labels, widgets and choices (the MHLW 様式例 wording, research A1.1/A1.2).

The keys are the contract (the FHIR part maps the `referral` and `discharge_summary` keys). Values are stored
as JSON: texts as strings, dates as ISO strings ("2026-11-25"), a choice as its code, several choices as a list
of codes, a grid (ADL: one level per activity) as {activity: level}, yes/no as true/false/null, and list fields
as a list of dicts with the sub-keys given in `LIST_FIELDS`.

Labels and choices are the paper forms' own Japanese words (the source language here: they have no English that
a discharge nurse would recognise); `clean(kind, data)` checks and normalizes what a screen or the API sends.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DIAGNOSIS = ("name", "onset")  # onset: ISO date or free text
MEDICATION = ("name", "dose", "usage")

FIELDS: dict[str, tuple[str, ...]] = {
    # 入院時情報提供書 (MHLW 様式例, research A1.1)
    "admission_info": (
        "hospital_contact_name", "housing", "care_level", "disability_independence", "dementia_independence",
        "household", "main_carer", "key_person", "patient_wishes", "family_wishes", "services_in_use",
        "outlook", "conference_wishes", "paralysis", "pressure_ulcer", "adl", "eating", "swallowing",
        "oral_care", "excretion", "sleep", "communication", "mental_state", "medical_procedures",
        "medication_management", "attending_doctor", "care_manager_contact", "notes",
    ),
    # 退院支援スクリーニング (退院困難な要因, 入退院支援加算1・2); needs_coordination added by the forms part
    "screening": ("needs_coordination", "difficulty_factors", "has_key_person", "discharge_contact_name",
                  "discharge_contact_phone", "expected_destination", "notes"),
    # 退院・退所情報記録書 (what the care manager learns at discharge)
    "discharge_record": (
        "heard_on", "heard_from", "with_conference", "planned_discharge_on", "current_conditions",
        "medical_management", "mobility", "excretion", "bathing", "eating", "swallowing", "oral_care", "sleep",
        "cognition", "medical_procedures", "nursing_view", "rehabilitation_view", "contraindications",
        "prognosis", "end_of_life_wishes", "home_requirements", "notes",
    ),
    # 診療情報提供書 (JP-CLINS eReferral)
    "referral": (
        "to_facility_name", "to_department", "to_doctor_name", "from_doctor_name", "purpose", "diagnoses",
        "chief_complaint", "present_illness", "past_history", "allergies", "family_history", "physical_findings",
        "infections", "social_history", "medications", "clinical_course", "care_plan", "test_results",
        "advance_directive", "remarks",
    ),
    # 退院時サマリー (JP-CLINS eDischargeSummary)
    "discharge_summary": (
        "doctor_name", "admitted_on", "discharged_on", "admission_details", "admission_reason",
        "admission_diagnoses", "chief_complaint", "present_illness", "past_history", "allergies",
        "admission_medications", "social_history", "admission_findings", "family_history", "hospital_course",
        "discharge_details", "discharge_diagnoses", "discharge_medications", "discharge_plan",
        "discharge_findings", "treatments", "test_results", "advance_directive",
    ),
    # 看護サマリー
    "nursing_summary": (
        "nurse_name", "nursing_problems", "adl", "eating", "excretion", "skin", "medical_procedures",
        "medication_management", "family_education", "home_advice", "notes",
    ),
}

LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "diagnoses": DIAGNOSIS, "admission_diagnoses": DIAGNOSIS, "discharge_diagnoses": DIAGNOSIS,
    "medications": MEDICATION, "admission_medications": MEDICATION, "discharge_medications": MEDICATION,
}
LIST_SUBLABELS = {"name": _("名称"), "onset": _("発症日"), "dose": _("用量"), "usage": _("用法")}

# ---- widgets and limits -------------------------------------------------------------------------------------
TEXT, TEXTAREA, CHOICE, MULTI, DATE, YESNO, GRID, LIST = (
    "text", "textarea", "choice", "multi", "date", "yesno", "grid", "list")
TEXT_MAX = 200
TEXTAREA_MAX = 4000
LIST_MAX_ROWS = 30
LIST_CELL_MAX = 200

# ---- choices (様式例) -----------------------------------------------------------------------------------------
ASSISTANCE = (("independent", _("自立")), ("watch", _("見守り")), ("partial", _("一部介助")),
              ("full", _("全介助")))
CARE_LEVELS = (("support_1", _("要支援1")), ("support_2", _("要支援2")), ("care_1", _("要介護1")),
               ("care_2", _("要介護2")), ("care_3", _("要介護3")), ("care_4", _("要介護4")),
               ("care_5", _("要介護5")), ("applying", _("申請中")), ("not_applicable", _("非該当")),
               ("none", _("未申請")))
DISABILITY = (("normal", _("自立")), *((g, g) for g in ("J1", "J2", "A1", "A2", "B1", "B2", "C1", "C2")))
DEMENTIA = (("normal", _("自立")), *((g, g) for g in ("I", "IIa", "IIb", "IIIa", "IIIb", "IV", "M")))
HOUSING = (("house", _("戸建て")), ("apartment", _("集合住宅")), ("facility", _("施設・高齢者向け住まい")),
           ("other", _("その他")))
HOUSEHOLD = (("alone", _("独居")), ("elderly_only", _("高齢者世帯")), ("with_family", _("家族と同居")),
             ("daytime_alone", _("日中独居")), ("facility", _("施設入所")), ("other", _("その他")))
CONFERENCE_WISHES = (("ward_conference", _("院内の多職種カンファレンスへの参加を希望")),
                     ("discharge_conference", _("退院前カンファレンスへの参加を希望")),
                     ("home_visit_guidance", _("退院前訪問指導を実施する場合の同行を希望")))
PARALYSIS = (("none", _("なし")), ("mild", _("軽度")), ("moderate", _("中度")), ("severe", _("重度")))
PRESENT = (("none", _("なし")), ("present", _("あり")))
ADL_ITEMS = (("moving", _("移動")), ("transfer", _("移乗")), ("dressing", _("更衣")),
             ("getting_up", _("起居動作")), ("grooming", _("整容")), ("bathing", _("入浴")), ("eating", _("食事")))
EXCRETION_ITEMS = (("urination", _("排尿")), ("defecation", _("排便")))
MEAL_FORM = (("normal", _("普通")), ("chopped", _("きざみ")), ("dysphagia", _("嚥下障害食")),
             ("blended", _("ミキサー")), ("tube", _("経管栄養")), ("other", _("その他")))
SWALLOWING = (("no_choking", _("むせない")), ("sometimes", _("時々むせる")), ("always", _("常にむせる")))
ORAL = (("good", _("良")), ("poor", _("不良")), ("very_poor", _("著しく不良")))
SLEEP = (("good", _("良")), ("poor", _("不良")), ("hypnotics", _("眠剤使用")))
MENTAL = (("hallucination", _("幻視・幻聴")), ("agitation", _("興奮")), ("restless", _("焦燥・不穏")),
          ("delusion", _("妄想")), ("violence", _("暴力・攻撃性")), ("care_refusal", _("介護への抵抗")),
          ("insomnia", _("不眠")), ("day_night", _("昼夜逆転")), ("wandering", _("徘徊")),
          ("dangerous", _("危険行為")), ("unclean", _("不潔行為")), ("other", _("その他")))
PROCEDURES = (("drip", _("点滴")), ("oxygen", _("酸素療法")), ("suction", _("喀痰吸引")),
              ("tracheostomy", _("気管切開")), ("gastrostomy", _("胃ろう")), ("nasal_feeding", _("経鼻栄養")),
              ("enteral", _("経腸栄養")), ("pressure_ulcer", _("褥瘡の処置")), ("catheter", _("尿道カテーテル")),
              ("urostomy", _("尿路ストーマ")), ("colostomy", _("消化管ストーマ")), ("pain", _("痛みのコントロール")),
              ("bowel", _("排便コントロール")), ("self_injection", _("自己注射")), ("dialysis", _("透析")),
              ("other", _("その他")))
MEDICATION_MANAGEMENT = (("self", _("本人が管理")), ("others", _("家族・介護者等が管理")),
                         ("as_prescribed", _("処方通り服用")), ("sometimes_forgets", _("時々飲み忘れ")),
                         ("often_forgets", _("飲み忘れが多い")), ("refuses", _("服薬拒否")))
# 退院困難な要因 (入退院支援加算1・2; 中医協 R6 調査票, research A1.4), with 身寄りなし (the 2025 evidence).
DIFFICULTY_FACTORS = (("cancer", _("悪性腫瘍")), ("dementia", _("認知症")), ("aspiration", _("誤嚥性肺炎等")),
                      ("emergency_admission", _("緊急入院")), ("care_certification", _("要介護認定が未申請")),
                      ("communication", _("特別なコミュニケーション支援を要する")), ("psychiatric", _("精神疾患")),
                      ("abuse", _("虐待又は虐待の疑い")), ("poverty", _("生活困窮")), ("adl_decline", _("ADLの低下")),
                      ("excretion_help", _("排泄に介助を要する")), ("care_capacity", _("同居者の介護力が不十分")),
                      ("medical_procedures", _("退院後も医療処置が必要")), ("malnutrition", _("低栄養")),
                      ("no_relatives", _("身寄りがない・同居者が不明")),
                      ("young_carer", _("ヤングケアラー及びその家族")),
                      ("other", _("その他")))
DESTINATIONS = (("home", _("自宅")), ("facility", _("介護施設・高齢者向け住まい")), ("transfer", _("他の医療機関")),
                ("other", _("その他")))
MEDICAL_MANAGEMENT = (("outpatient", _("通院")), ("home_visits", _("訪問診療")), ("other", _("その他")))
MOBILITY = (("walks", _("独歩")), ("cane", _("杖")), ("walker", _("歩行器")), ("wheelchair", _("車いす")),
            ("bedridden", _("寝たきり")), ("other", _("その他")))
EXCRETION_METHOD = (("toilet", _("トイレ")), ("portable", _("ポータブルトイレ")), ("diaper", _("おむつ")),
                    ("catheter", _("カテーテル・パウチ")), ("other", _("その他")))
BATHING = (("independent", _("自立")), ("shower", _("シャワー浴")), ("bath", _("一般浴")),
           ("machine", _("機械浴")), ("wipe", _("清拭")), ("other", _("その他")))


@dataclass(frozen=True)
class Field:
    key: str
    label: object
    widget: str = TEXT
    choices: tuple = ()
    items: tuple = ()  # GRID: the rows (activity codes and labels); each takes one of `choices`
    help: object = ""

    @property
    def max_length(self) -> int:
        return TEXTAREA_MAX if self.widget == TEXTAREA else TEXT_MAX

    def choice_label(self, code) -> str:
        return str(dict(self.choices).get(code, code))


def F(key, label, widget=TEXT, choices=(), items=(), help=""):  # noqa: N802 (reads as a table)
    return Field(key, label, widget, tuple(choices), tuple(items), help)


# Each form: [(fieldset title, [fields])], in the order of the paper 様式例.
LAYOUT: dict[str, list[tuple[object, list[Field]]]] = {
    "admission_info": [
        (_("医療機関の担当者"), [F("hospital_contact_name", _("医療機関のご担当者名"))]),
        (_("1 利用者（患者）基本情報"), [
            F("housing", _("住環境（住居の種類）"), CHOICE, HOUSING),
            F("care_level", _("入院時の要介護度"), CHOICE, CARE_LEVELS),
            F("disability_independence", _("障害高齢者の日常生活自立度"), CHOICE, DISABILITY),
            F("dementia_independence", _("認知症高齢者の日常生活自立度"), CHOICE, DEMENTIA)]),
        (_("2 家族の情報"), [
            F("household", _("世帯構成"), CHOICE, HOUSEHOLD),
            F("main_carer", _("主介護者（氏名・続柄・年齢・同居／別居・TEL）")),
            F("key_person", _("キーパーソン（氏名・続柄・連絡先）"))]),
        (_("3 本人／家族の意向"), [
            F("patient_wishes", _("入院前の本人の生活に対する意向"), TEXTAREA),
            F("family_wishes", _("入院前の家族の生活に対する意向"), TEXTAREA)]),
        (_("4 入院前の介護サービスの利用状況"), [
            F("services_in_use", _("利用していたサービス（居宅サービス計画書1〜3表を同封）"), TEXTAREA)]),
        (_("5 今後の在宅生活の展望（ケアマネジャーとしての意見）"), [
            F("outlook", _("在宅生活に必要な要件・退院後の世帯状況・介護力・特記事項"), TEXTAREA)]),
        (_("6 カンファレンス等について（ケアマネジャーからの希望）"), [
            F("conference_wishes", _("希望すること"), MULTI, CONFERENCE_WISHES)]),
        (_("7 身体・生活機能の状況／療養生活上の課題"), [
            F("paralysis", _("麻痺の状況"), CHOICE, PARALYSIS),
            F("pressure_ulcer", _("褥瘡の有無"), CHOICE, PRESENT),
            F("adl", _("ADL"), GRID, ASSISTANCE, ADL_ITEMS),
            F("eating", _("食事形態"), CHOICE, MEAL_FORM),
            F("swallowing", _("嚥下機能"), CHOICE, SWALLOWING),
            F("oral_care", _("口腔清潔"), CHOICE, ORAL),
            F("excretion", _("排泄"), GRID, ASSISTANCE, EXCRETION_ITEMS),
            F("sleep", _("睡眠の状態"), CHOICE, SLEEP),
            F("communication", _("コミュニケーション能力（視力・聴力・言語・意思疎通）"), TEXTAREA),
            F("mental_state", _("精神面における療養上の問題"), MULTI, MENTAL),
            F("medical_procedures", _("入院前に実施している医療処置"), MULTI, PROCEDURES)]),
        (_("8 お薬について"), [F("medication_management", _("薬剤管理・服薬状況"), CHOICE, MEDICATION_MANAGEMENT)]),
        (_("9 かかりつけ医・担当ケアマネジャー"), [
            F("attending_doctor", _("かかりつけ医（医療機関名・医師名・電話）")),
            F("care_manager_contact", _("担当ケアマネジャー（事業所名・氏名・TEL・FAX）")),
            F("notes", _("特記事項"), TEXTAREA)]),
    ],
    "screening": [
        (_("退院困難な要因"), [
            F("needs_coordination", _("退院支援（調整）が必要"), YESNO),
            F("difficulty_factors", _("退院困難な要因"), MULTI, DIFFICULTY_FACTORS),
            F("has_key_person", _("キーパーソンがいる"), YESNO),
            F("expected_destination", _("予想される退院先"), CHOICE, DESTINATIONS)]),
        (_("退院支援の担当者"), [
            F("discharge_contact_name", _("退院支援担当者（氏名）")),
            F("discharge_contact_phone", _("退院支援担当者（電話）")),
            F("notes", _("特記事項"), TEXTAREA)]),
    ],
    "discharge_record": [
        (_("聞き取り"), [
            F("heard_on", _("聞き取り日"), DATE),
            F("heard_from", _("情報提供を受けた職種・氏名")),
            F("with_conference", _("カンファレンスで聞き取った"), YESNO),
            F("planned_discharge_on", _("退院（所）予定日"), DATE)]),
        (_("1 基本情報・現在の状態等"), [
            F("current_conditions", _("現在治療中の疾患"), TEXTAREA),
            F("medical_management", _("今後の医学管理"), CHOICE, MEDICAL_MANAGEMENT),
            F("mobility", _("移動手段"), CHOICE, MOBILITY),
            F("excretion", _("排泄方法"), CHOICE, EXCRETION_METHOD),
            F("bathing", _("入浴方法"), CHOICE, BATHING),
            F("eating", _("食事形態"), CHOICE, MEAL_FORM),
            F("swallowing", _("嚥下機能"), CHOICE, SWALLOWING),
            F("oral_care", _("口腔清潔"), CHOICE, ORAL),
            F("sleep", _("睡眠の状態"), CHOICE, SLEEP),
            F("cognition", _("認知・精神の状態"), TEXTAREA)]),
        (_("2 課題認識のための情報"), [
            F("medical_procedures", _("医療処置の内容"), MULTI, PROCEDURES),
            F("nursing_view", _("看護の視点"), TEXTAREA),
            F("rehabilitation_view", _("リハビリの視点"), TEXTAREA),
            F("contraindications", _("禁忌事項"), TEXTAREA),
            F("prognosis", _("症状・病状の予後・予測"), TEXTAREA)]),
        (_("3 人生の最終段階・在宅復帰の要件"), [
            F("end_of_life_wishes", _("人生の最終段階における医療・ケアに関する本人・家族の意向"), TEXTAREA),
            F("home_requirements", _("在宅復帰のために整えなければならない要件"), TEXTAREA),
            F("notes", _("特記事項"), TEXTAREA)]),
    ],
    "referral": [
        (_("紹介先・紹介元"), [
            F("to_facility_name", _("紹介先医療機関・事業所")), F("to_department", _("診療科・部署")),
            F("to_doctor_name", _("紹介先担当医・担当者")), F("from_doctor_name", _("紹介元医師")),
            F("purpose", _("紹介目的"), TEXTAREA)]),
        (_("傷病名・病状"), [
            F("diagnoses", _("傷病名"), LIST), F("chief_complaint", _("主訴"), TEXTAREA),
            F("present_illness", _("現病歴"), TEXTAREA), F("past_history", _("既往歴"), TEXTAREA),
            F("allergies", _("アレルギー・不耐性反応"), TEXTAREA), F("family_history", _("家族歴"), TEXTAREA),
            F("physical_findings", _("身体所見"), TEXTAREA), F("infections", _("感染症情報"), TEXTAREA),
            F("social_history", _("社会歴・生活習慣"), TEXTAREA)]),
        (_("治療・計画"), [
            F("medications", _("処方"), LIST), F("clinical_course", _("治療経過"), TEXTAREA),
            F("care_plan", _("診療方針・指示"), TEXTAREA), F("test_results", _("検査結果"), TEXTAREA),
            F("advance_directive", _("事前指示"), TEXTAREA), F("remarks", _("備考"), TEXTAREA)]),
    ],
    "discharge_summary": [
        (_("入院の概要"), [
            F("doctor_name", _("記載医師")), F("admitted_on", _("入院日"), DATE),
            F("discharged_on", _("退院日"), DATE), F("admission_details", _("入院詳細"), TEXTAREA),
            F("admission_reason", _("入院理由"), TEXTAREA), F("admission_diagnoses", _("入院時診断"), LIST),
            F("chief_complaint", _("主訴"), TEXTAREA), F("present_illness", _("現病歴"), TEXTAREA),
            F("past_history", _("既往歴"), TEXTAREA), F("allergies", _("アレルギー・不耐性反応"), TEXTAREA),
            F("admission_medications", _("入院時服薬"), LIST), F("social_history", _("社会歴・生活習慣"), TEXTAREA),
            F("admission_findings", _("入院時身体所見"), TEXTAREA), F("family_history", _("家族歴"), TEXTAREA)]),
        (_("入院中の経過"), [
            F("hospital_course", _("入院中経過"), TEXTAREA), F("treatments", _("入院中治療"), TEXTAREA),
            F("test_results", _("検査結果"), TEXTAREA)]),
        (_("退院時の状態と方針"), [
            F("discharge_details", _("退院時詳細"), TEXTAREA), F("discharge_diagnoses", _("退院時診断"), LIST),
            F("discharge_medications", _("退院時服薬"), LIST), F("discharge_plan", _("退院時方針"), TEXTAREA),
            F("discharge_findings", _("退院時身体所見"), TEXTAREA), F("advance_directive", _("事前指示"), TEXTAREA)]),
    ],
    "nursing_summary": [
        (_("看護の要約"), [
            F("nurse_name", _("記載看護師")), F("nursing_problems", _("看護上の問題・経過"), TEXTAREA)]),
        (_("生活機能"), [
            F("adl", _("ADL"), GRID, ASSISTANCE, ADL_ITEMS), F("eating", _("食事形態"), CHOICE, MEAL_FORM),
            F("excretion", _("排泄"), GRID, ASSISTANCE, EXCRETION_ITEMS), F("skin", _("皮膚の状態・褥瘡"), TEXTAREA),
            F("medical_procedures", _("継続する医療処置"), MULTI, PROCEDURES),
            F("medication_management", _("薬剤管理・服薬状況"), CHOICE, MEDICATION_MANAGEMENT)]),
        (_("在宅に向けて"), [
            F("family_education", _("家族への指導内容"), TEXTAREA), F("home_advice", _("在宅での留意点"), TEXTAREA),
            F("notes", _("特記事項"), TEXTAREA)]),
    ],
}

FIELD_SPECS: dict[str, dict[str, Field]] = {
    kind: {f.key: f for _title, fields in fieldsets for f in fields} for kind, fieldsets in LAYOUT.items()}


def field(kind: str, key: str) -> Field:
    return FIELD_SPECS[kind][key]


def label_of(kind: str, key: str) -> str:
    spec = FIELD_SPECS.get(kind, {}).get(key)
    return str(spec.label) if spec else key


# ---- validation and normalization ---------------------------------------------------------------------------
class FormDataError(ValueError):
    """What is wrong with the data sent, by key: {key: message in Japanese}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


_WAREKI = re.compile(r"^(令和|平成|昭和|R|H|S)(元|\d{1,3})[年./-](\d{1,2})[月./-](\d{1,2})日?$")
_ERA_START = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988, "昭和": 1925, "S": 1925}
_SEPARATED = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def normalize_text(value) -> str:
    """NFKC (full-width digits and letters become half-width), CRLF → LF, trailing spaces dropped."""
    text = unicodedata.normalize("NFKC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    # Control characters other than newline and tab would break the PDF and the FHIR XML.
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def parse_date(value) -> dt.date | None:
    """An ISO, slashed or 和暦 date ("令和8年11月25日", "R8.11.25") → date; None when empty; ValueError when not a
    date."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    if not text:
        return None
    match = _SEPARATED.match(text)
    if match:
        return dt.date(*(int(g) for g in match.groups()))
    match = _WAREKI.match(text)
    if match:
        era, year, month, day = match.groups()
        year_number = 1 if year == "元" else int(year)
        return dt.date(_ERA_START[era] + year_number, int(month), int(day))
    raise ValueError(text)


_TRUE = {"true", "1", "yes", "on", "y", "はい", "あり", "有"}
_FALSE = {"false", "0", "no", "off", "n", "いいえ", "なし", "無"}


def parse_yesno(value) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text in ("unknown", "不明", "none", "null"):
        return None
    raise ValueError(text)


def _clean_value(spec: Field, value):
    """The stored form of one value; ValueError with the Japanese message."""
    if spec.widget in (TEXT, TEXTAREA):
        if value is None:
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ValueError("文字で入力してください。")
        text = normalize_text(value)
        if len(text) > spec.max_length:
            raise ValueError(f"{spec.max_length} 文字以内で入力してください（{len(text)} 文字あります）。")
        return text
    if spec.widget == CHOICE:
        if value in (None, ""):
            return ""
        codes = dict(spec.choices)
        if not isinstance(value, str) or value not in codes:
            raise ValueError("選択肢から選んでください。")
        return value
    if spec.widget == MULTI:
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            raise ValueError("選択肢のリストで指定してください。")
        codes = [c for c, _label in spec.choices]
        unknown = [v for v in value if v not in codes]
        if unknown:
            raise ValueError(f"選択肢にない値があります: {', '.join(map(str, unknown))[:100]}")
        return [c for c in codes if c in value]  # the paper form's order, each once
    if spec.widget == DATE:
        try:
            day = parse_date(value)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValueError("日付は「2026-11-25」または「令和8年11月25日」の形で入力してください。") from exc
        if day is not None and not dt.date(1900, 1, 1) <= day <= dt.date(2200, 12, 31):
            raise ValueError("ありえない日付です。")
        return day.isoformat() if day else ""
    if spec.widget == YESNO:
        try:
            return parse_yesno(value)
        except ValueError as exc:
            raise ValueError("「はい」「いいえ」「不明」のどれかで答えてください。") from exc
    if spec.widget == GRID:
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            raise ValueError("項目ごとの選択で指定してください。")
        items = dict(spec.items)
        levels = dict(spec.choices)
        out = {}
        for item, level in value.items():
            if item not in items:
                raise ValueError(f"項目「{str(item)[:40]}」はこの欄にありません。")
            if level in (None, ""):
                continue
            if level not in levels:
                raise ValueError(f"{items[item]}: 選択肢から選んでください。")
            out[item] = level
        return {item: out[item] for item, _label in spec.items if item in out}
    if spec.widget == LIST:
        if value in (None, ""):
            return []
        if not isinstance(value, list | tuple):
            raise ValueError("行のリストで指定してください。")
        if len(value) > LIST_MAX_ROWS:
            raise ValueError(f"{LIST_MAX_ROWS} 行までです。")
        subkeys = LIST_FIELDS[spec.key]
        rows = []
        for number, row in enumerate(value, start=1):
            if not isinstance(row, dict):
                raise ValueError(f"{number} 行目: 項目の組で指定してください。")
            extra = set(row) - set(subkeys)
            if extra:
                names = ", ".join(sorted(map(str, extra)))[:80]
                raise ValueError(f"{number} 行目: 使えない項目があります（{names}）。")
            cleaned = {}
            for sub in subkeys:
                cell = row.get(sub)
                cell = "" if cell is None else normalize_text(cell) if isinstance(cell, str | int | float) else None
                if cell is None:
                    raise ValueError(f"{number} 行目: 文字で入力してください。")
                if len(cell) > LIST_CELL_MAX:
                    raise ValueError(f"{number} 行目: {LIST_CELL_MAX} 文字以内で入力してください。")
                cleaned[sub] = cell
            if any(cleaned.values()):
                if not cleaned["name"]:
                    raise ValueError(f"{number} 行目: 名称を入力してください。")
                rows.append(cleaned)
        return rows
    raise ValueError("unknown widget")  # pragma: no cover


def clean(kind: str, data) -> dict:
    """The form's data checked and normalized; FormDataError with a Japanese message per key when not.

    Unknown keys are refused (never silently dropped: a typo in an API client would lose what was written);
    empty values are stored empty, so every key of the form is present in the result.
    """
    if kind not in FIELD_SPECS:
        raise FormDataError({"kind": "この様式はありません。"})
    if not isinstance(data, dict):
        raise FormDataError({"data": "様式の内容は項目名と値の組で送ってください。"})
    specs = FIELD_SPECS[kind]
    errors: dict[str, str] = {}
    for key in data:
        if key not in specs:
            errors[str(key)[:60]] = "この様式にない項目です。"
    out = {}
    for key, spec in specs.items():
        try:
            out[key] = _clean_value(spec, data.get(key))
        except ValueError as error:
            errors[key] = f"{spec.label}: {error}"
    if errors:
        raise FormDataError(errors)
    return out


def is_empty(value) -> bool:
    return value in (None, "", [], {})


def display(kind: str, key: str, value) -> str:
    """A value as a person reads it (screens, the PDF, the timeline post, the diff)."""
    spec = FIELD_SPECS[kind][key]
    if is_empty(value):
        return ""
    if spec.widget == CHOICE:
        return spec.choice_label(value)
    if spec.widget == MULTI:
        return "、".join(spec.choice_label(v) for v in value)
    if spec.widget == YESNO:
        return str(_("はい")) if value else str(_("いいえ"))
    if spec.widget == DATE:
        from renkei.core.wareki import to_wareki

        try:
            return to_wareki(dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    if spec.widget == GRID:
        items = dict(spec.items)
        return "、".join(f"{items.get(k, k)}: {spec.choice_label(v)}" for k, v in value.items())
    if spec.widget == LIST:
        lines = []
        for row in value:
            rest = " ".join(row.get(sub, "") for sub in LIST_FIELDS[key][1:] if row.get(sub))
            lines.append(row.get("name", "") + (f"（{rest}）" if rest else ""))
        return "\n".join(lines)
    return str(value)


def changes(kind: str, older: dict, newer: dict) -> list[dict]:
    """The fields that differ between two versions, by label, in the form's order."""
    out = []
    for key in FIELDS[kind]:
        before, after = (older or {}).get(key), (newer or {}).get(key)
        if is_empty(before) and is_empty(after):
            continue
        if before != after:
            out.append({"key": key, "label": label_of(kind, key), "before": display(kind, key, before),
                        "after": display(kind, key, after)})
    return out
