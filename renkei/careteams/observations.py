"""Structured observations on a timeline post: vital signs, ADL, meals, medication changes.

One small schema (`MEASURES`, `LEVELS`, `TEXTS`) says each field's label, unit and the range a living person's
value can take; `clean_observations` turns what a form or the API sent into the JSON stored on `Post.observations`
or raises `ObservationError` with the reason in Japanese and English for each field. Ranges are wide on purpose:
they catch typing errors (36.5 typed as 365, a pulse of 0), not abnormal values, which are exactly what the team
must see. Full-width digits (３６．５) are read as typed on a Japanese keyboard.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

VITALS, ADL, MEALS, MEDICATION = "vitals", "adl", "meals", "medication"


@dataclass(frozen=True)
class Measure:
    """A number: its label, unit, the possible range and how many decimals are kept."""

    key: str
    label: Any  # lazy English, Japanese in the catalogue
    label_ja: str  # for the error message written in both languages
    unit: str
    minimum: Decimal
    maximum: Decimal
    decimals: int = 0
    group: str = VITALS

    def bounds(self) -> str:
        return f"{self.minimum}〜{self.maximum} {self.unit}".strip()


@dataclass(frozen=True)
class Level:
    """A choice among levels (ADL: 自立 … 全介助), or among kinds of change (medication)."""

    key: str
    label: Any
    label_ja: str
    choices: tuple[tuple[str, Any], ...]
    group: str = ADL


@dataclass(frozen=True)
class Text:
    key: str
    label: Any
    label_ja: str
    max_length: int
    group: str = MEDICATION


D = Decimal
MEASURES: tuple[Measure, ...] = (
    Measure("bp_systolic", _("Blood pressure (systolic)"), "血圧（上）", "mmHg", D(40), D(300)),
    Measure("bp_diastolic", _("Blood pressure (diastolic)"), "血圧（下）", "mmHg", D(20), D(200)),
    Measure("pulse", _("Pulse"), "脈拍", "/分", D(20), D(250)),
    Measure("temperature", _("Temperature"), "体温", "℃", D(30), D(43), decimals=1),
    Measure("spo2", _("SpO2"), "SpO2", "%", D(50), D(100)),
    Measure("respiration", _("Respiration"), "呼吸数", "/分", D(4), D(60)),
    Measure("weight", _("Weight"), "体重", "kg", D(10), D(250), decimals=1),
    Measure("meal_breakfast", _("Breakfast eaten"), "朝食の摂取量", "%", D(0), D(100), group=MEALS),
    Measure("meal_lunch", _("Lunch eaten"), "昼食の摂取量", "%", D(0), D(100), group=MEALS),
    Measure("meal_dinner", _("Dinner eaten"), "夕食の摂取量", "%", D(0), D(100), group=MEALS),
    Measure("fluid_intake", _("Fluid intake"), "水分摂取量", "mL", D(0), D(5000), group=MEALS),
)

# 自立 / 見守り / 一部介助 / 全介助: the levels care managers and nurses already write.
ADL_LEVELS = (
    ("independent", _("independent")),
    ("supervision", _("needs supervision")),
    ("partial", _("needs partial help")),
    ("full", _("needs full help")),
)
MEDICATION_CHANGES = (
    ("start", _("started")),
    ("stop", _("stopped")),
    ("increase", _("dose increased")),
    ("decrease", _("dose decreased")),
    ("change", _("changed (other)")),
)
LEVELS: tuple[Level, ...] = (
    Level("adl_eating", _("Eating"), "食事", ADL_LEVELS),
    Level("adl_toileting", _("Toileting"), "排泄", ADL_LEVELS),
    Level("adl_moving", _("Moving"), "移動", ADL_LEVELS),
    Level("adl_bathing", _("Bathing"), "入浴", ADL_LEVELS),
    Level("medication_change", _("What changed"), "変更内容", MEDICATION_CHANGES, group=MEDICATION),
)
TEXTS: tuple[Text, ...] = (
    Text("medication_drug", _("Medicine"), "薬剤名", 100),
    Text("medication_reason", _("Reason for the change"), "変更の理由", 200),
)

FIELDS: dict[str, Measure | Level | Text] = {f.key: f for f in (*MEASURES, *LEVELS, *TEXTS)}
GROUP_LABELS = {VITALS: _("Vital signs"), ADL: _("ADL"), MEALS: _("Meals"), MEDICATION: _("Medication change")}


class ObservationError(ValueError):
    """Values that cannot be right: `errors` maps each field to its reason in Japanese and English."""

    def __init__(self, errors: dict[str, tuple[str, str]]):
        super().__init__("; ".join(en for _ja, en in errors.values()))
        self.errors = errors

    def messages(self) -> dict[str, str]:
        """Each field's reason in the active language."""
        japanese = (get_language() or "ja").startswith("ja")
        return {key: ja if japanese else en for key, (ja, en) in self.errors.items()}

    def as_list(self) -> list[dict[str, str]]:
        return [{"field": key, "reason": ja, "reason_en": en} for key, (ja, en) in self.errors.items()]


def _en(label) -> str:
    """A field's label in English, whatever the active language (for the English half of a reason)."""
    with override("en"):
        return str(label)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(field: Measure, value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not number.is_finite():
        raise ValueError(text)
    return number


def _clean_measure(field: Measure, value: Any) -> int | float:
    try:
        number = _number(field, value)
    except ValueError as exc:
        raise ObservationError({field.key: (
            f"{field.label_ja}は数字で入力してください。",
            f"{_en(field.label)}: enter a number.")}) from exc
    if not field.minimum <= number <= field.maximum:
        raise ObservationError({field.key: (
            f"{field.label_ja}は {field.bounds()} の範囲で入力してください（{value} はありえない値です）。",
            f"{_en(field.label)} must be between {field.minimum} and {field.maximum} {field.unit} "
            f"({value} is not possible).")})
    rounded = round(number, field.decimals)
    return float(rounded) if field.decimals else int(rounded)


def _clean_level(field: Level, value: Any) -> str:
    value = str(value).strip()
    if value not in {key for key, _label in field.choices}:
        raise ObservationError({field.key: (f"{field.label_ja}の選択肢から選んでください。",
                                            f"{_en(field.label)}: choose one of the listed values.")})
    return value


def _clean_text(field: Text, value: Any) -> str:
    text = " ".join(str(value).split())
    if len(text) > field.max_length:
        raise ObservationError({field.key: (
            f"{field.label_ja}は {field.max_length} 文字以内で入力してください。",
            f"{_en(field.label)}: at most {field.max_length} characters.")})
    return text


def clean_observations(data: dict[str, Any] | None) -> dict[str, Any]:
    """The observations to store (blank fields left out, numbers as numbers); ObservationError listing every
    impossible value. Unknown keys are refused rather than silently dropped: a program sending them has a bug."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ObservationError({"observations": ("観察項目の形式が正しくありません。",
                                                 "Observations must be an object of fields and values.")})
    cleaned: dict[str, Any] = {}
    errors: dict[str, tuple[str, str]] = {}
    for key, value in data.items():
        field = FIELDS.get(str(key))
        if field is None:
            errors[str(key)[:40]] = (f"「{str(key)[:40]}」という観察項目はありません。",
                                     f"There is no observation field “{str(key)[:40]}”.")
            continue
        if _is_blank(value):
            continue
        try:
            if isinstance(field, Measure):
                cleaned[key] = _clean_measure(field, value)
            elif isinstance(field, Level):
                cleaned[key] = _clean_level(field, value)
            else:
                cleaned[key] = _clean_text(field, value)
        except ObservationError as error:
            errors.update(error.errors)
    systolic, diastolic = cleaned.get("bp_systolic"), cleaned.get("bp_diastolic")
    if systolic is not None and diastolic is not None and diastolic >= systolic:
        errors["bp_diastolic"] = ("血圧は上（収縮期）が下（拡張期）より高くなるように入力してください。",
                                  "The systolic blood pressure must be higher than the diastolic.")
    if (("medication_drug" in cleaned) != ("medication_change" in cleaned)
            or ("medication_reason" in cleaned and "medication_drug" not in cleaned)):
        errors["medication_drug"] = ("薬の変更は薬剤名と変更内容を両方入力してください。",
                                     "A medication change needs both the medicine and what changed.")
    if errors:
        raise ObservationError(errors)
    return cleaned


def display_lines(observations: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The stored observations as groups of (label, value with unit) for the timeline, in the schema's order."""
    if not observations:
        return []
    groups: dict[str, list[tuple[Any, str]]] = {}
    systolic, diastolic = observations.get("bp_systolic"), observations.get("bp_diastolic")
    for key, field in FIELDS.items():
        if key not in observations:
            continue
        value = observations[key]
        if key == "bp_diastolic" and systolic is not None:
            continue  # shown with the systolic one as 132/80 mmHg
        if key == "bp_systolic" and diastolic is not None:
            groups.setdefault(field.group, []).append((_("Blood pressure"), f"{systolic}/{diastolic} mmHg"))
            continue
        if isinstance(field, Measure):
            shown = f"{value} {field.unit}" if field.unit not in ("%", "℃") else f"{value}{field.unit}"
        elif isinstance(field, Level):
            shown = str(dict(field.choices).get(value, value))
        else:
            shown = str(value)
        groups.setdefault(field.group, []).append((field.label, shown))
    return [{"label": GROUP_LABELS[group], "items": items} for group, items in groups.items()]


def groups_for_kind(kind: str) -> tuple[str, ...]:
    """The groups of fields the compose box shows for a kind of post."""
    if kind == "observation":
        return (VITALS, ADL, MEALS)
    if kind == "medication":
        return (MEDICATION,)
    return ()
