"""A rule step as a sentence people read, in Japanese and in English, generated from the step's fields.

"入院日を含め3日以内（土日祝・閉庁日を除く）": the count starts on the anchor's day (day 0, see
`days.Calendar.deadline`), so an offset of N days is "the anchor's day and the N days after it", i.e. within
N+1 days counting that day.
"""

from __future__ import annotations

from django.utils.translation import get_language

from .models import Actor, Anchor, DayUnit, StepKey

STEP_JA = {
    StepKey.ADMISSION_INFO: "入院時情報（入院時情報提供書）を病院へ提供する",
    StepKey.SCREENING: "退院支援のスクリーニングを行い、退院支援の担当者を決める",
    StepKey.INTERVIEW: "本人・家族と面談し、退院支援計画の作成に着手する",
    StepKey.DISCHARGE_NOTICE: "退院の予定をケアマネジャーに連絡する",
    StepKey.CONFERENCE: "退院前カンファレンスを開く",
    StepKey.DISCHARGE: "退院する（退院日を記録する）",
    StepKey.SUMMARIES: "退院時サマリー・看護サマリー等を送る",
}
STEP_EN = {
    StepKey.ADMISSION_INFO: "sends the admission information to the hospital",
    StepKey.SCREENING: "screens the patient for discharge support and names the discharge contact",
    StepKey.INTERVIEW: "meets the patient and family and starts the discharge plan",
    StepKey.DISCHARGE_NOTICE: "tells the care manager the planned discharge",
    StepKey.CONFERENCE: "holds the pre-discharge conference",
    StepKey.DISCHARGE: "discharges the patient (the day is recorded)",
    StepKey.SUMMARIES: "sends the discharge and nursing summaries",
}
ACTOR_JA = {Actor.CARE_MANAGER: "ケアマネジャー", Actor.HOSPITAL: "病院"}
ACTOR_EN = {Actor.CARE_MANAGER: "The care manager", Actor.HOSPITAL: "The hospital"}
ANCHOR_JA = {Anchor.ADMISSION: "入院日", Anchor.PLANNED_DISCHARGE: "退院予定日", Anchor.DISCHARGE: "退院日"}
ANCHOR_EN = {Anchor.ADMISSION: "admission", Anchor.PLANNED_DISCHARGE: "the planned discharge",
             Anchor.DISCHARGE: "discharge"}


def _field(step, name):
    return step[name] if isinstance(step, dict) else getattr(step, name)


def _parts_ja(step) -> tuple[str, list[str]]:
    anchor = ANCHOR_JA[_field(step, "anchor")]
    offset = int(_field(step, "offset_days"))
    working = _field(step, "day_unit") == DayUnit.WORKING
    days = "開庁日" if working else "日"
    if offset == 0:
        text = f"{anchor}のうち"
    elif offset > 0:
        text = f"{anchor}を含め{offset + 1}{days}以内"
    elif offset == -1 and not working:
        text = f"{anchor}の前日まで"
    else:
        text = f"{anchor}の{-offset}{days}前まで"
    notes = []
    if working:
        notes.append("土日祝・市町村の閉庁日を除く")
    elif offset >= 0:
        notes.append("期限が土日祝・閉庁日にあたるときは次の開庁日まで")
    if _field(step, "after_hours_shift"):
        notes.append(f"営業時間外（18時以降）の{anchor[:2]}は翌日から数える")
    return text, notes


def timing_ja(step) -> str:
    """When the step is due, in Japanese: "入院日を含め3日以内（土日祝・市町村の閉庁日を除く）"."""
    text, notes = _parts_ja(step)
    return text + (f"（{'。'.join(notes)}）" if notes else "")


def timing_en(step) -> str:
    """When the step is due, in English: "within 3 days of admission, counting its day"."""
    anchor = ANCHOR_EN[_field(step, "anchor")]
    offset = int(_field(step, "offset_days"))
    working = _field(step, "day_unit") == DayUnit.WORKING
    unit = "working day" if working else "day"
    if offset == 0:
        text = f"on the day of {anchor}"
    elif offset > 0:
        text = f"within {offset + 1} {unit}s of {anchor}, counting its day"
    else:
        text = f"{-offset} {unit}{'s' if offset < -1 else ''} before {anchor} at the latest"
    notes = []
    if working:
        notes.append("weekends, national holidays and the municipality's closed days not counted")
    elif offset >= 0:
        notes.append("a deadline on a day off moves to the next working day")
    if _field(step, "after_hours_shift"):
        notes.append("after office hours (18:00) the count starts the next day")
    return text + (f" ({'; '.join(notes)})" if notes else "")


def step_sentence(step, language: str | None = None) -> str:
    """One sentence for a rule step (a RuleStep or a dict of its fields): who does what, by when."""
    language = language or get_language() or "ja"
    key = _field(step, "key")
    label = step.get("label", "") if isinstance(step, dict) else step.label
    required = step.get("is_required", True) if isinstance(step, dict) else step.is_required
    if language.startswith("ja"):
        what = STEP_JA[key] + (f"（{label}）" if label else "")
        sentence = f"{ACTOR_JA[_field(step, 'actor')]}が、{timing_ja(step)}に{what}。"
        return sentence if required else sentence + "（必要な場合）"
    what = STEP_EN[key] + (f" (“{label}”)" if label else "")
    sentence = f"{ACTOR_EN[_field(step, 'actor')]} {what}: {timing_en(step)}."
    return sentence if required else sentence + " (when needed)"


def step_sentences(step) -> dict[str, str]:
    return {"ja": step_sentence(step, "ja"), "en": step_sentence(step, "en")}
