"""The national implementation survey's tables (the seed's 2015 survey layout) computed from confirmed answers.

One entry point, `survey_report(implementations, fiscal_year=…, prefecture=…)`, takes an explicit queryset of
`Implementation` (what the viewer may see: `report_scope(membership)`; the CLI passes every sheet) so that the
command, the screen and the API share it. Three queries whatever the size (sheets, item rows, population) plus
one for the prefectures' names.

Percentages are printed as the seed prints them: one decimal, half up on the exact fraction (`percent`).
Counts are counts of municipalities: never masked.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from renkei.core import policy
from renkei.core.models import Prefecture, ProgramItem

from ..models import Difficulty, Implementation, ItemImplementation, ItemStatus, PdcaStage, SupportWish, TrainingContent
from .population import BANDS, band_of, populations

ITEMS = tuple(ProgramItem.values)
ITEM_NAMES = {  # the seed's names, as its tables print them
    "a": "（ア）地域の医療・介護の資源の把握",
    "b": "（イ）在宅医療・介護連携の課題の抽出と対応策の検討",
    "c": "（ウ）切れ目のない在宅医療と在宅介護の提供体制の構築推進",
    "d": "（エ）医療・介護関係者の情報共有の支援",
    "e": "（オ）在宅医療・介護連携に関する相談支援",
    "f": "（カ）医療・介護関係者の研修",
    "g": "（キ）地域住民への普及啓発",
    "h": "（ク）在宅医療・介護連携に関する関係市区町村の連携",
}
STATUS_ORDER = (ItemStatus.IMPLEMENTED, ItemStatus.PLANNED, ItemStatus.NOT_IMPLEMENTED)
STATUS_NAMES = {ItemStatus.IMPLEMENTED: "実施している", ItemStatus.PLANNED: "年度内に実施予定",
                ItemStatus.NOT_IMPLEMENTED: "実施していない"}
DISTRIBUTION_NAMES = ("実施していない", "実施していないが年度内に実施予定", "1つ実施している", "2つ実施している",
                      "3つ実施している", "4つ実施している", "5つ実施している", "6つ実施している", "7つ実施している",
                      "全て実施している")
STAGE_NAMES = {
    PdcaStage.ASSESSING: "1.在宅医療・介護連携の現状の把握や課題の抽出、対応策について検討している",
    PdcaStage.CONCRETE: ("2.1を踏まえたうえで、検討された対応策が具体化されている。"
                         "（※対応策の評価は未実施）"),
    PdcaStage.EVALUATING: ("3.2を踏まえたうえで、検討された対応策が具体化され、"
                           "その実施状況について評価及び改善を行っている。"),
}
CONTENT_NAMES = {
    TrainingContent.MULTI_PROFESSIONAL: ("医療・介護関係者の両方を対象として、"
                                         "グループワーク等の多職種研修を行っている。"),
    TrainingContent.CARE_FOR_MEDICAL: ("医療関係者を対象として、"
                                       "介護保険で提供されるサービス等についての研修を行っている。"),
    TrainingContent.MEDICAL_FOR_CARE: ("介護関係者を対象として、在宅医療を受ける患者に必要な"
                                       "療養上の注意点等の医療に関する研修を行っている。"),
}
DIFFICULTY_NAMES = dict(zip(Difficulty.values, (
    "1.予算の確保", "2.事業実施のためのノウハウの不足",
    "3.本事業の存在や必要性を医療・介護関係者等に認知してもらうこと",
    "4.行政と関係機関（病院、医師会、歯科医師会等）との協力関係の構築", "5.行政内部の連携、情報共有等",
    "6.現状の在宅医療・介護サービスの提供実態が把握できていない",
    "7.将来的な在宅医療・介護連携推進事業のあるべき姿をイメージできない",
    "8.多職種間の協力関係の強化・情報共有の効率化", "9.関係機関との最終的な合意形成", "10.地域の医療・介護資源の不足",
    "11.事業推進を担う人材の確保（市区町村担当者および事業の委託先）", "12.指標設定等の事業評価のしにくさ",
    "13.隣接する市区町村との広域連携の調整", "14.その他", "15.特に無い"), strict=True))
WISH_NAMES = dict(zip(SupportWish.values, (
    "1.都道府県が把握している在宅医療や介護の資源に関する、当該市区町村のデータ等の提供",
    "2.在宅医療・介護連携推進事業に関する研修・情報提供（先進事例等）", "3.多職種研修の企画・運営の技術的支援",
    "4.（オ）の相談支援の窓口に配置する相談員の研修、人材育成", "5.医師会等関係団体との調整", "6.医療機関との調整",
    "7.広域的な医療介護連携（退院調整等）に関する協議", "8.市区町村間の意見交換の場の設置", "9.その他", "10.特に無い"),
    strict=True))
UNKNOWN_BAND = "不明"


def percent(count: int, n: int) -> Decimal | None:
    """count / n as a percentage with one decimal, half up on the exact fraction (the seed's printing)."""
    if not n:
        return None
    tenths = (count * 2000 + n) // (2 * n)  # floor(count·1000/n + ½), exact in integers
    return _tenths(tenths)


def average(total: int, n: int) -> Decimal | None:
    """total / n with one decimal, half up on the exact fraction."""
    if not n:
        return None
    return _tenths((total * 20 + n) // (2 * n))


def _tenths(tenths: int) -> Decimal:
    return Decimal(tenths).scaleb(-1)  # keeps the one decimal: 52.0, not 52


def count_text(count: int) -> str:
    return f"{count:,}"


@dataclass(frozen=True)
class Cell:
    count: int
    n: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.count, self.n)

    def text(self) -> str:
        shown = self.percent
        return f"{count_text(self.count)} ({shown}%)" if shown is not None else f"{count_text(self.count)} (-)"


@dataclass
class Row:
    key: str
    label: str
    cells: list  # Cell or str
    n: int | None = None
    note: str = ""

    def line(self) -> str:
        """The seed's layout: `label 671 (38.5%) 374 (21.5%) 696 (40.0%) (n=1,741)`."""
        parts = [self.label, *(c.text() if isinstance(c, Cell) else str(c) for c in self.cells)]
        if self.n is not None:
            parts.append(f"(n={count_text(self.n)})")
        if self.note:
            parts.append(self.note)
        return " ".join(parts)


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    n: int | None = None
    note: str = ""


@dataclass
class SurveyReport:
    fiscal_year: int
    prefecture: Prefecture | None
    n: int
    tables: list[Table]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def as_dict(self) -> dict:
        def cell(c):
            if isinstance(c, Cell):
                return {"count": c.count, "n": c.n, "percent": None if c.percent is None else str(c.percent)}
            return {"text": str(c)}

        return {"fiscal_year": self.fiscal_year, "prefecture": self.prefecture.code if self.prefecture else None,
                "n": self.n, "tables": [{
                    "key": t.key, "title": t.title, "columns": t.columns, "n": t.n, "note": t.note,
                    "rows": [{"key": r.key, "label": r.label, "n": r.n, "note": r.note, "line": r.line(),
                              "cells": [cell(c) for c in r.cells]} for r in t.rows]} for t in self.tables]}


def report_scope(membership, queryset=None):
    """The sheets the viewer's report counts: all for the system (None) and administrators; for prefecture
    staff their prefecture's plus published sheets elsewhere; for municipal staff published ones plus their own."""
    queryset = Implementation.objects.all() if queryset is None else queryset
    if membership is None:
        return queryset
    visible = policy.scope(membership, "region.view_implementation", queryset)
    if policy.check(membership, "region.view_report"):
        # One WHERE (scope OR published) rather than `pk IN (scope)`: PostgreSQL plans the OR of a subquery badly.
        return visible | queryset.filter(is_published=True)
    return visible


def _item_table(key: str, title: str, sheets: list[int], statuses: dict) -> Table:
    table = Table(key=key, title=title, columns=[STATUS_NAMES[s] for s in STATUS_ORDER])
    for item in ITEMS:
        counts = Counter(statuses[sheet][item] for sheet in sheets if item in statuses[sheet])
        n = sum(counts.values())
        table.rows.append(Row(item, ITEM_NAMES[item], [Cell(counts[s], n) for s in STATUS_ORDER], n))
    table.n = len(sheets)
    return table


def survey_report(implementations, *, fiscal_year: int, prefecture: Prefecture | None = None) -> SurveyReport:
    """Every table of the survey for the fiscal year from the confirmed sheets of `implementations`."""
    sheets_qs = implementations.filter(fiscal_year=fiscal_year, confirmed_at__isnull=False,
                                       municipality__abolished_on__isnull=True)
    if prefecture is not None:
        sheets_qs = sheets_qs.filter(municipality__prefecture=prefecture)
    sheets_qs = sheets_qs.order_by()  # the models' ordering joins and sorts rows the tables count without order
    sheets = list(sheets_qs.values_list("pk", "municipality_id", "municipality__code", "municipality__prefecture_id",
                                        "training_contents", "difficulties", "support_wishes",
                                        "answered_questions"))
    ids = [s[0] for s in sheets]
    statuses: dict[int, dict[str, str]] = {pk: {} for pk in ids}
    stages: dict[int, str] = {}
    supported: dict[int, bool | None] = {}
    rows = ItemImplementation.objects.filter(implementation__in=sheets_qs).order_by().values_list(
        "implementation_id", "item", "status", "stage", "prefecture_supported")
    for sheet, item, status, stage, support in rows:  # one year: at most 8 rows per municipality
        statuses[sheet][item] = status
        if stage:
            stages[sheet] = stage
        if support is not None:
            supported[sheet] = supported.get(sheet) or support
    n = len(ids)
    tables = [_item_table("items", "各取組（ア）～（ク）毎の実施状況", ids, statuses)]

    implemented = {pk: sum(1 for s in statuses[pk].values() if s == ItemStatus.IMPLEMENTED) for pk in ids}
    planned = {pk: any(s == ItemStatus.PLANNED for s in statuses[pk].values()) for pk in ids}
    engaged = {pk for pk in ids if implemented[pk] or planned[pk]}  # implementing or planning at least one

    def category(pk):
        k = implemented[pk]
        return k + 1 if k else (1 if planned[pk] else 0)

    distribution = Counter(category(pk) for pk in ids)
    tables.append(Table("distribution", "在宅医療・介護連携推進事業の実施状況（実施している取組の数）",
                        ["市町村数（割合）"], [
        Row(str(i), name, [Cell(distribution[i], n)]) for i, name in enumerate(DISTRIBUTION_NAMES)], n=n))

    people = populations(_MunicipalityKeys(sheets), fiscal_year) if sheets else {}
    band_sheets: dict[str, list[int]] = defaultdict(list)
    for pk, municipality_id, *_rest in sheets:
        band = band_of(people.get(municipality_id))
        band_sheets[band.key if band else UNKNOWN_BAND].append(pk)
    for band in (*BANDS, None):
        key = band.key if band else UNKNOWN_BAND
        if not band_sheets.get(key):
            continue  # a band without answers (or nobody without a population) prints no table
        table = _item_table(f"band:{key}", f"人口規模別：{band.ja if band else UNKNOWN_BAND}", band_sheets.get(key, []),
                            statuses)
        tables.append(table)

    prefecture_sheets: dict[int, list[int]] = defaultdict(list)
    for pk, _m, _code, prefecture_id, *_rest in sheets:
        prefecture_sheets[prefecture_id].append(pk)
    names = dict(Prefecture.objects.filter(pk__in=prefecture_sheets).values_list("pk", "name"))
    codes = dict(Prefecture.objects.filter(pk__in=prefecture_sheets).values_list("pk", "code"))
    ranking = []
    for prefecture_id, pks in prefecture_sheets.items():
        mean = average(sum(implemented[pk] for pk in pks), len(pks))
        base = [pk for pk in pks if pk in engaged]
        helped = sum(1 for pk in base if supported.get(pk))
        ranking.append((mean, codes[prefecture_id], names[prefecture_id], helped, len(base), len(pks)))
    ranking.sort(key=lambda r: (-r[0], r[1]))
    tables.append(Table("prefectures", "都道府県別の平均実施数と都道府県・保健所による支援の割合",
                        ["平均実施数", "都道府県・保健所による支援の割合"], [
                            Row(code, name, [str(mean), f"{percent(helped, base)}%" if base else "-"], n=count,
                                note=f"（{base}市町村中{helped}市町村）")
                            for mean, code, name, helped, base, count in ranking]))

    helped_all = sum(1 for pk in engaged if supported.get(pk))
    tables.append(Table("support", "都道府県（保健所）の支援の有無（（ア）～（ク）の取組のうち１つ以上該当した市町村）",
                        ["市町村数（割合）"], [Row("yes", "あり", [Cell(helped_all, len(engaged))]),
                                           Row("no", "なし", [Cell(len(engaged) - helped_all, len(engaged))])],
                        n=len(engaged)))

    staged = [stages[pk] for pk in ids if pk in stages]
    stage_counts = Counter(staged)
    tables.append(Table("stage", "「（イ）在宅医療・介護連携の課題の抽出と対応策の検討」の取組の段階",
                        ["市町村数（割合）"], [
        Row(stage, STAGE_NAMES[stage], [Cell(stage_counts[stage], len(staged))]) for stage in PdcaStage.values],
        n=len(staged)))

    training = [pk for pk in ids if statuses[pk].get("f") in (ItemStatus.IMPLEMENTED, ItemStatus.PLANNED)]
    contents_of = {s[0]: set(s[4] or ()) for s in sheets}
    tables.append(Table("training", "「（カ）医療・介護関係者の研修」における研修内容",
                        ["実施している", "実施していない"], [
        Row(content, CONTENT_NAMES[content], [
            Cell(sum(1 for pk in training if content in contents_of[pk]), len(training)),
            Cell(sum(1 for pk in training if content not in contents_of[pk]), len(training))])
        for content in TrainingContent.values], n=len(training)))

    answered = [s for s in sheets if s[7]]
    for key, title, index, choices in (
            ("q40", "【Q.40】在宅医療・介護連携推進事業を実施していく中で課題だと感じているもの（いくつでも）", 5,
             DIFFICULTY_NAMES),
            ("q42", "【Q.42】都道府県（保健所）からの支援を希望する課題（いくつでも）", 6, WISH_NAMES)):
        chosen = Counter(choice for s in answered for choice in set(s[index] or ()))
        tables.append(Table(key, title, ["回答した市町村（割合）"], [
            Row(choice, name, [Cell(chosen[choice], len(answered))]) for choice, name in choices.items()],
            n=len(answered)))
    return SurveyReport(fiscal_year=fiscal_year, prefecture=prefecture, n=n, tables=tables)


class _MunicipalityKeys(list):
    """What `selectors.population.populations` needs of each municipality (pk and code) without loading them."""

    def __init__(self, sheets):
        super().__init__(_Key(s[1], s[2]) for s in sheets)


@dataclass(frozen=True)
class _Key:
    pk: int
    code: str
