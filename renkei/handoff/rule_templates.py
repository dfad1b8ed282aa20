"""Starting points for a region's rule: the national defaults and regional models from published rules.

These are EXAMPLES TO ADAPT, not the regions' rules as they stand today: each cites where its steps come from
(research file A1.3–A1.4, A2.2); where the published rule gives no deadline, the national timing is kept and the
note says so. A region picks one on the "new rule" screen, changes what its own rule says, and saves.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Actor, Anchor, DayUnit, StepKey
from .services.rules import NATIONAL_STEPS


@dataclass(frozen=True)
class RuleTemplate:
    key: str
    title: str
    name: str  # the rule's name, prefilled
    source: str
    source_url: str
    steps: tuple[dict, ...]
    summary: str = ""
    covers_support_levels: bool = True
    covers_uncertified: bool = True
    excluded_planned_stay_days: int = 0
    note: str = ""


def _step(key, actor, anchor, offset, *, unit=DayUnit.CALENDAR, after_hours=False, required=True, missed=False,
          label="", note="") -> dict:
    return dict(key=key, actor=actor, anchor=anchor, offset_days=offset, day_unit=unit,
                after_hours_shift=after_hours, is_required=required, counts_for_missed=missed, label=label,
                note=note)


def _national() -> tuple[dict, ...]:
    return tuple({**dict(after_hours_shift=False, is_required=True, counts_for_missed=False, label="", note=""),
                  **step} for step in NATIONAL_STEPS)


ADMISSION_INFO = _step(StepKey.ADMISSION_INFO, Actor.CARE_MANAGER, Anchor.ADMISSION, 2, after_hours=True,
                       note="入院時情報連携加算（Ⅰ）当日・（Ⅱ）翌日又は翌々日")
SCREENING = _step(StepKey.SCREENING, Actor.HOSPITAL, Anchor.ADMISSION, 3, note="入退院支援加算1: 入院後3日以内に抽出")
DISCHARGE = _step(StepKey.DISCHARGE, Actor.HOSPITAL, Anchor.DISCHARGE, 0)

TEMPLATES: dict[str, RuleTemplate] = {t.key: t for t in (
    RuleTemplate(
        key="national", title=_("National defaults (2024 fee rules)"),
        name="入退院支援ルール（全国の標準をもとに）",
        summary=_("Admission information on the day of admission or the next two days; screening within 3 days; "
                  "interview within 7; the care manager told before the discharge day; summaries within 2 days."),
        source=("令和6年度介護報酬改定 入院時情報連携加算（Ⅰ）（Ⅱ）; 診療報酬 A246 入退院支援加算1"
                "（研究ノート A1.3–A1.4）"),
        source_url="", steps=_national()),
    RuleTemplate(
        key="fukui", title=_("Example: Fukui model (about one week to prepare the discharge)"),
        name="入退院支援ルール（福井県の退院支援ルールを参考に）",
        summary=_("The hospital tells the care manager 7 days before the planned discharge (the rule's 退院準備期間 "
                  "of about one week), then the pre-discharge coordination and the information at discharge."),
        source=("福井県 退院支援ルール（フロー図: ①入院時の連絡 ②入院中の連携 ③退院支援開始の連絡 "
                "④退院前調整 ⑤退院時・退院後の情報提供; 退院準備期間「約1週間」）（研究ノート A2.2）"),
        source_url="",
        steps=(ADMISSION_INFO, SCREENING,
               _step(StepKey.DISCHARGE_NOTICE, Actor.HOSPITAL, Anchor.PLANNED_DISCHARGE, -7, missed=True,
                     label="退院支援開始の連絡", note="退院準備期間 約1週間"),
               _step(StepKey.CONFERENCE, Actor.HOSPITAL, Anchor.PLANNED_DISCHARGE, -1, required=False,
                     label="退院前調整（情報共有・カンファレンス）"),
               DISCHARGE,
               _step(StepKey.SUMMARIES, Actor.HOSPITAL, Anchor.DISCHARGE, 0, label="退院時の情報提供")),
        note=("ケアマネジャーがいない人は、病院が家族に市町・地域包括支援センターへの相談を促します"
              "（このルールの手順Bは Renkei の手順として数えません）。"
              "要介護は居宅介護支援事業所、要支援は地域包括支援センターへ連絡します。")),
    RuleTemplate(
        key="seino", title=_("Example: Seino model (stages 2 and 3 within 7 days of admission)"),
        name="入退院支援ルール（西濃医療圏の退院支援ルールを参考に）",
        summary=_("Four stages; the hospital's stages 2 and 3 (screening, interview and plan) within 7 days "
                  "counting the day of admission."),
        source="岐阜県 西濃医療圏 退院支援ルール Q&A（第1–4段階; 第2・3段階は入院当日から7日以内）"
               "（研究ノート A2.2）",
        source_url="",
        steps=({**ADMISSION_INFO, "label": "第1段階"},
               _step(StepKey.SCREENING, Actor.HOSPITAL, Anchor.ADMISSION, 6, label="第2段階"),
               _step(StepKey.INTERVIEW, Actor.HOSPITAL, Anchor.ADMISSION, 6, label="第3段階"),
               _step(StepKey.DISCHARGE_NOTICE, Actor.HOSPITAL, Anchor.PLANNED_DISCHARGE, -3, missed=True,
                     label="第4段階",
                     note="例: 3日前。Q&A は退院2–3日前の急な連絡を課題に挙げています。"
                          "地域で合意した日数にしてください"),
               _step(StepKey.CONFERENCE, Actor.HOSPITAL, Anchor.PLANNED_DISCHARGE, -1, required=False),
               DISCHARGE,
               _step(StepKey.SUMMARIES, Actor.HOSPITAL, Anchor.DISCHARGE, 2))),
    RuleTemplate(
        key="tajima", title=_("Example: Tajima model (short planned stays of about 3 days not covered)"),
        name="入退院支援ルール（但馬圏域入退院支援運用ガイドラインを参考に）",
        summary=_("For people with a care-need certification, and people not certified when the hospital judges it "
                  "necessary; planned stays of about 3 days (tests, cataract surgery on the pathway) are not "
                  "covered."),
        source="兵庫県 但馬圏域入退院支援運用ガイドライン（H28-07-01 運用、年1回改定）（研究ノート A2.2）",
        source_url="https://www.tajima.or.jp/?p=221586",
        steps=_national(), excluded_planned_stay_days=3,
        note=("対象外: 3日程度の短期入院（検査・白内障等パス通り）、定期レスパイト入院（初回を除く）、"
              "救急病棟のみの入院。レスパイトと救急病棟のみの入院は、病院が手順を「不要」として記録します。"
              "期限は全国の標準のままです。")),
)}


def template(key: str) -> RuleTemplate | None:
    return TEMPLATES.get(key)
