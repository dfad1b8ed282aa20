"""Writes of the wide-area rules part: recording and ending an adoption of a prefecture's or a 保健所's
退院調整ルール, and the prefecture's coordination survey (created, rows added one by one or imported)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from renkei.core import audit, policy
from renkei.core.models import AreaGroup, AuditEntry, Municipality, Prefecture

from ..models import CoordinationSurvey, CoordinationSurveyRow, RuleAdoption
from ..policy.rules import WIDE_KINDS

MANAGE_ADOPTIONS = "region.manage_adoptions"
MANAGE_SURVEYS = "region.manage_coordination_surveys"
EARLIEST = dt.date(2000, 1, 1)  # 介護保険法 施行: no adoption or survey before it
FUTURE_DAYS = 366  # an adoption may be recorded up to a year ahead


def both(ja: str, en: str) -> str:
    """A message in Japanese and English, both shown whatever the language (import and form errors are read by
    people of either language)."""
    return f"{ja} / {en}"


def area_municipality_ids(rule_set) -> set[int]:
    """The municipalities a wide rule covers (its area group's, or the whole prefecture's)."""
    if rule_set.area_kind == "area_group":
        return set(rule_set.area_group.municipalities.values_list("pk", flat=True))
    if rule_set.area_kind == "prefecture":
        return set(Municipality.objects.filter(prefecture_id=rule_set.prefecture_id).values_list("pk", flat=True))
    return set()


def same_area_rules(rule_set):
    from renkei.handoff.selectors.rules import same_area

    return same_area(rule_set)


def adoption_record(*, membership, rule_set, adopted_on: dt.date, municipality: Municipality | None = None,
                    hospital=None, note: str = "") -> RuleAdoption:
    """Record that a municipality or a hospital works by a wide-area rule from `adopted_on`."""
    adoption = RuleAdoption(rule_set=rule_set, municipality=municipality, hospital=hospital, adopted_on=adopted_on,
                            note=note or "", recorded_by=membership)
    policy.require(membership, MANAGE_ADOPTIONS, adoption)
    problems = []
    if rule_set.area_kind not in WIDE_KINDS:
        problems.append(both("広域のルール（二次医療圏・都道府県）ではありません。",
                              "This is not a wide-area rule (area group or prefecture)."))
    if (municipality is None) == (hospital is None):
        problems.append(both("市町村か病院のどちらか一つを選んでください。",
                              "Choose either a municipality or a hospital."))
    area = area_municipality_ids(rule_set)
    if municipality is not None and municipality.pk not in area:
        problems.append(both(f"{municipality.name}はこのルールの圏域に含まれません。",
                              "The municipality is outside the rule's area."))
    if hospital is not None and hospital.municipality_id not in area:
        problems.append(both(f"{hospital.name}はこのルールの圏域にありません。",
                              "The hospital is outside the rule's area."))
    problems += _date_problems(adopted_on, rule_set)
    if not problems and _already_adopted(rule_set, municipality, hospital):
        problems.append(both("この採用はすでに記録されています（終了していない採用があります）。",
                              "This adoption is already recorded (an adoption that has not ended exists)."))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        adoption.save()
    return adoption


def _date_problems(adopted_on, rule_set) -> list[str]:
    if adopted_on is None:
        return [both("採用日を入力してください。", "Enter the adoption date.")]
    first = same_area_rules(rule_set).order_by("effective_from").values_list("effective_from", flat=True).first()
    if adopted_on < EARLIEST:
        return [both("採用日が古すぎます。", "The adoption date is too early.")]
    if first and adopted_on < first:
        return [both(f"採用日はルールの施行日（{first.isoformat()}）以降にしてください。",
                      "The adoption date must be on or after the rule's first effective date.")]
    if adopted_on > timezone.localdate() + dt.timedelta(days=FUTURE_DAYS):
        return [both("採用日は1年先までにしてください。", "The adoption date may be at most a year ahead.")]
    return []


def _already_adopted(rule_set, municipality, hospital) -> bool:
    adoptions = RuleAdoption.objects.filter(rule_set__in=same_area_rules(rule_set))
    adopter = adoptions.filter(municipality=municipality) if municipality else adoptions.filter(hospital=hospital)
    # One row per (version, adopter) by the model's constraint; one open adoption per area by this rule.
    return adopter.filter(ended_on__isnull=True).exists() or adopter.filter(rule_set=rule_set).exists()


def adoption_end(*, membership, adoption: RuleAdoption, ended_on: dt.date) -> RuleAdoption:
    """Record that an adopter stopped working by the rule (the measures after it stop at that day)."""
    policy.require(membership, MANAGE_ADOPTIONS, adoption)
    if adoption.ended_on is not None:
        raise ValidationError(both("この採用はすでに終了しています。", "This adoption has already ended."))
    if ended_on is None or ended_on < adoption.adopted_on:
        raise ValidationError(both("終了日は採用日以降にしてください。",
                                    "The end date must be on or after the adoption date."))
    if ended_on > timezone.localdate() + dt.timedelta(days=FUTURE_DAYS):
        raise ValidationError(both("終了日は1年先までにしてください。", "The end date may be at most a year ahead."))
    with transaction.atomic():
        adoption.ended_on = ended_on
        adoption.save(update_fields=["ended_on"])
    return adoption


def coordination_survey_create(*, membership, prefecture: Prefecture, month: dt.date, title: str,
                               area_group: AreaGroup | None = None) -> CoordinationSurvey:
    """A new questionnaire of the prefecture to its hospitals and care managers for one month."""
    survey = CoordinationSurvey(prefecture=prefecture, area_group=area_group, month=month.replace(day=1) if month
                                else month, title=(title or "").strip(), conducted_by=membership)
    policy.require(membership, MANAGE_SURVEYS, survey)
    problems = []
    if not survey.title:
        problems.append(both("調査名を入力してください。", "Enter the survey's title."))
    if area_group is not None and area_group.prefecture_id != prefecture.pk:
        problems.append(both("圏域が都道府県に属していません。", "The area group is not in the prefecture."))
    if month is None or month < EARLIEST or month > timezone.localdate():
        problems.append(both("調査月は2000年以降、今月までにしてください。",
                              "The survey month must be between 2000 and this month."))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        survey.save()
    return survey


# --- rows --------------------------------------------------------------------------------------------

KIND_WORDS = {
    "病院": CoordinationSurveyRow.RespondentKind.HOSPITAL, "hospital": CoordinationSurveyRow.RespondentKind.HOSPITAL,
    "ケアマネ": CoordinationSurveyRow.RespondentKind.CARE_MANAGER,
    "ケアマネジャー": CoordinationSurveyRow.RespondentKind.CARE_MANAGER,
    "ケアマネージャー": CoordinationSurveyRow.RespondentKind.CARE_MANAGER,
    "介護支援専門員": CoordinationSurveyRow.RespondentKind.CARE_MANAGER,
    "居宅介護支援事業所": CoordinationSurveyRow.RespondentKind.CARE_MANAGER,
    "care_manager": CoordinationSurveyRow.RespondentKind.CARE_MANAGER,
    "care manager": CoordinationSurveyRow.RespondentKind.CARE_MANAGER,
}
# Column headers: the seed's words and a few usual variants.
HEADERS = {
    "name": ("病院名", "回答者", "事業所名", "名称", "name"),
    "kind": ("区分", "種別", "kind"),
    "admissions": ("入院件数", "入院数", "admissions"),
    "admission_info_missing": ("入院時情報提供書提出なし", "入院時情報提供書 提出なし", "提出なし",
                               "admission_info_missing"),
    "discharges": ("退院件数", "退院数", "discharges"),
    "discharge_uncoordinated": ("退院調整なし", "discharge_uncoordinated"),
}
COUNTS = ("admissions", "admission_info_missing", "discharges", "discharge_uncoordinated")
MAX_ROWS = 2000
MAX_COUNT = 1_000_000


@dataclass
class RowInput:
    respondent_kind: str
    respondent_name: str
    admissions: int | None = None
    admission_info_missing: int | None = None
    discharges: int | None = None
    discharge_uncoordinated: int | None = None
    hospital: object = None


class SurveyImportError(Exception):
    """The file was refused as a whole: `problems` are (line number, message) pairs."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("; ".join(f"{line}: {message}" for line, message in problems))
        self.problems = problems


def row_problems(row: RowInput) -> list[str]:
    """What is wrong with one respondent's counts (empty when nothing)."""
    problems = []
    if not row.respondent_name.strip():
        problems.append(both("回答者名がありません。", "The respondent's name is missing."))
    if row.respondent_kind not in CoordinationSurveyRow.RespondentKind.values:
        problems.append(both("区分は「病院」か「ケアマネ」です。", "The kind is hospital or care manager."))
    if row.admissions is not None and row.admission_info_missing is not None \
            and row.admission_info_missing > row.admissions:
        problems.append(both("提出なしが入院件数を超えています。",
                              "Admissions without admission information exceed the admissions."))
    if row.discharges is not None and row.discharge_uncoordinated is not None \
            and row.discharge_uncoordinated > row.discharges:
        problems.append(both("退院調整なしが退院件数を超えています。",
                              "Discharges without coordination exceed the discharges."))
    if all(getattr(row, name) is None for name in COUNTS):
        problems.append(both("件数が一つもありません。", "No count is given."))
    return problems


def coordination_row_add(*, membership, survey: CoordinationSurvey, row: RowInput) -> CoordinationSurveyRow:
    """One respondent's answer entered by hand."""
    policy.require(membership, MANAGE_SURVEYS, survey)
    problems = row_problems(row)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        return CoordinationSurveyRow.objects.create(survey=survey, **_row_fields(row))


def _row_fields(row: RowInput) -> dict:
    hospital = row.hospital
    return dict(respondent_kind=row.respondent_kind, respondent_name=row.respondent_name.strip()[:200],
                hospital=hospital, municipality=getattr(hospital, "municipality", None),
                **{name: getattr(row, name) for name in COUNTS})


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else CP932 (Shift_JIS as Excel writes it)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("cp932")
        except UnicodeDecodeError as error:
            raise SurveyImportError([(0, both("文字コードが読めません（UTF-8 か Shift_JIS にしてください）。",
                                               "The file is neither UTF-8 nor Shift_JIS."))]) from error


def parse_rows(text: str, *, hospitals_by_name: dict[str, object]) -> list[RowInput]:
    """The file's rows, or SurveyImportError with every problem and its line (the first line is the header)."""
    try:
        return _parse_rows(text, hospitals_by_name=hospitals_by_name)
    except csv.Error as error:  # a field over the csv module's limit, a NUL byte…
        raise SurveyImportError([(0, both("CSV として読めません（長すぎる欄や制御文字があります）。",
                                           f"The file cannot be read as CSV ({error})."))]) from error


def _parse_rows(text: str, *, hospitals_by_name: dict[str, object]) -> list[RowInput]:
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise SurveyImportError([(1, both("見出し行がありません。", "The header line is missing."))])
    delimiter = "\t" if lines[0].count("\t") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [cell.strip().replace(" ", "").replace("\u3000", "") for cell in next(reader)]
    columns: dict[str, int] = {}
    for name, words in HEADERS.items():
        for word in words:
            if word.replace(" ", "") in header:
                columns[name] = header.index(word.replace(" ", ""))
                break
    missing = [HEADERS[name][0] for name in ("name", "kind") if name not in columns]
    if missing or not any(name in columns for name in COUNTS):
        needed = ",".join(HEADERS[name][0] for name in HEADERS)
        raise SurveyImportError([(1, both(f"見出しが足りません（{needed}）。",
                                           "Missing headers (name, kind and at least one count)."))])
    problems: list[tuple[int, str]] = []
    rows: list[RowInput] = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append((number, both(f"行が多すぎます（{MAX_ROWS}行まで）。", "Too many rows.")))
            break

        def get(name, cells=cells):
            return cells[columns[name]].strip() if name in columns and columns[name] < len(cells) else ""

        kind = KIND_WORDS.get(get("kind").lower(), get("kind").lower())
        row = RowInput(respondent_kind=kind, respondent_name=get("name"))
        for name in COUNTS:
            value = get(name).replace(",", "")
            if value == "" or value == "-":
                continue
            if not value.isascii() or not value.isdigit() or int(value) > MAX_COUNT:
                problems.append((number, both(f"「{get(name)}」は件数として読めません。",
                                               "A count is not a whole number of zero or more.")))
                continue
            setattr(row, name, int(value))
        if kind == CoordinationSurveyRow.RespondentKind.HOSPITAL and row.respondent_name:
            row.hospital = hospitals_by_name.get(_name_key(row.respondent_name))
            if row.hospital is None:
                problems.append((number, both(f"「{row.respondent_name}」は県内の病院名簿にありません。",
                                               "The hospital is not in the prefecture's directory.")))
        problems += [(number, message) for message in row_problems(row)]
        rows.append(row)
    if not rows and not problems:
        problems.append((2, both("データ行がありません。", "The file has no rows.")))
    if problems:
        raise SurveyImportError(problems)
    return rows


def _name_key(name: str) -> str:
    return name.replace(" ", "").replace("\u3000", "")


def prefecture_hospitals(prefecture_id: int) -> dict[str, object]:
    """The directory's hospitals of a prefecture by name (spaces ignored); a name two hospitals share is
    left out (ambiguous: the row is refused)."""
    from renkei.directory.models import Facility

    found: dict[str, object] = {}
    ambiguous = set()
    for facility in (Facility.objects.filter(municipality__prefecture_id=prefecture_id, kind="hospital")
                     .select_related("municipality")):
        key = _name_key(facility.name)
        if key in found:
            ambiguous.add(key)
        found[key] = facility
    for key in ambiguous:
        found.pop(key)
    return found


def coordination_rows_import(*, membership, survey: CoordinationSurvey, content: bytes) -> int:
    """Replace the survey's rows with a file's (CSV or TSV, UTF-8 or CP932), all or nothing. Returns the number
    of rows written; raises SurveyImportError with line numbers."""
    policy.require(membership, MANAGE_SURVEYS, survey)
    rows = parse_rows(decode(content), hospitals_by_name=prefecture_hospitals(survey.prefecture_id))
    with transaction.atomic():
        survey.rows.all().delete()  # each deleted row is audited by the post_delete signal
        created = CoordinationSurveyRow.objects.bulk_create(
            CoordinationSurveyRow(survey=survey, **_row_fields(row)) for row in rows)
        owner = survey.audit_owner()
        items = [dict(action=AuditEntry.Action.CREATE, obj=row, owner=owner, object_label=row.respondent_kind)
                 for row in created]
        audit.record_many(items)
    return len(created)
