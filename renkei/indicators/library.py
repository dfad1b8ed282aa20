"""The built-in indicator library: what the 手引き and the 医療計画 在宅医療 指標例 measure, with sources named.

Codes are stable and never reused (values, targets and municipalities' logic models point at them):

    ZT-<group>-<type><nn>      e.g. ZT-D-S01, ZT-T-O01
    group: BASE  population and deaths the rates divide by (no type letter: ZT-BASE-01)
           D     日常の療養支援 (daily care)          A  入退院支援 (admission and discharge)
           E     急変時の対応 (emergencies)          T  看取り (end of life)
           C     連携の体制 (the collaboration system itself: directory upkeep, consultations, training)
    type:  S structure, P process, O outcome (the 手引き's S/P/O framing)

"ZT" is 在宅 (home care). A code is retired by deactivating its definition, never by renaming it.

Each definition says where its values come from (`origin`):
- computed: a provider an app registered (`registry.register(key, …)`) computes it from Renkei's records; the
  definition names the provider key. The directory's providers are in `renkei/directory/indicators.py`.
- imported: from files staff already have (e-Stat 人口動態統計 and population tables, KDB, 見える化 downloads,
  NDB-based 医療計画作成支援データブック) through `renkei indicators import`.
- entered: typed in by staff. The handoff, consultation and training indicators below are `entered` until the
  apps that record that work exist: such an app registers its provider and switches the definition here to
  `origin=COMPUTED, provider="<its key>"` (the next `seed_library()`, run by its data migration, applies it).

The official wording of the 手引き Ver.3/Ver.4 S/P/O tables and of the 第8次医療計画 指標例 was not retrieved
(research: anchors §6, §9; handoffs-pdca B6, B9): names follow the indicator families in common use, and the
`description` of each definition states the counting rule we apply.
"""

from __future__ import annotations

from renkei.core import small_numbers
from renkei.core.models.program import ProgramItem, Scene

from .models import AreaLevel, Kind, Origin, PeriodType

NATION, PREF, MUNI, DLA = (AreaLevel.NATION.value, AreaLevel.PREFECTURE.value, AreaLevel.MUNICIPALITY.value,
                           AreaLevel.DAILY_LIVING_AREA.value)
ALL_LEVELS = [NATION, PREF, MUNI, DLA]
PUBLISHED_LEVELS = [NATION, PREF, MUNI]  # national statistics stop at the municipality
DAILY, ADMISSION, EMERGENCY, END_OF_LIFE = (Scene.DAILY_CARE.value, Scene.ADMISSION_DISCHARGE.value,
                                            Scene.EMERGENCY.value, Scene.END_OF_LIFE.value)
COLLABORATION = Scene.COLLABORATION_SYSTEM.value
FY, QUARTER, MONTH = PeriodType.FISCAL_YEAR.value, PeriodType.QUARTER.value, PeriodType.MONTH.value
A, B, C, D, E, F, G, H = (item.value for item in ProgramItem)
# Counts of patients under the threshold (RENKEI_SMALL_NUMBER_THRESHOLD, 10) are shown as "<10" on public pages
# (NDB/KDB practice).
PATIENTS = small_numbers.threshold()
NO_SUPPRESSION = 0  # facility counts, population: public anyway

# Data sources, named once so every definition spells them the same way.
ESTAT_POPULATION = "e-Stat 住民基本台帳に基づく人口、人口動態及び世帯数調査（年齢階級別）"
VITAL_STATISTICS = "人口動態統計（厚生労働省）市区町村別 死亡の場所"
KAIGO_REPORT = "介護保険事業状況報告（見える化システムからのダウンロード）"
MIERUKA = "地域包括ケア「見える化」システム"
KDB = "KDB（国保データベース）システム 帳票"
NDB = "NDB／レセプト情報（医療計画作成支援データブック）"
KOUSEI_KYOKU = "地方厚生局 届出受理医療機関名簿"
IRYOU_NET = "医療情報ネット（医療機能情報提供制度）"
RENKEI_DIRECTORY = "Renkei 資源リスト（事業ア: 協力内容、確認日）"
RENKEI_COVERAGE = "Renkei 資源リストのカバー範囲計算（16 km、地域メッシュ人口）"
RENKEI_RECORDS = "Renkei の記録（今は職員が入力）"
OWN_SURVEY = "市町村の独自調査（ケアマネジャー調査等）"
RENKEI_PATIENTS = "Renkei の患者・ケアチームの記録（careteams: チーム、同意、急変時シート、死亡の記録）"
RENKEI_HANDOFFS = "Renkei の入退院の引継ぎの記録（handoff: 手順の期限と実施、退院、情報のやりとり）"

AS_OF_NOW = "Renkei の記録から随時計算（年度末時点、当年度は計算した日時点）"
VITAL_VINTAGE = "人口動態統計: 毎年9月頃に前年分（暦年）が確定"
POPULATION_VINTAGE = "住民基本台帳人口: 毎年1月1日現在、7〜8月公表"
NDB_VINTAGE = "NDB: 1〜2年遅れで公表（医療計画作成支援データブック）"
KDB_VINTAGE = "KDB: 診療月の翌々月に更新、年度集計は翌年度"
KAIGO_VINTAGE = "介護保険事業状況報告: 月報は約3か月後、年報は翌々年度"

HOME_DEATH_CAVEAT = (
    "「自宅死」は医師が自宅で死亡を確認したもので、急性の病気や孤独死など看取りではない死亡を含みます。"
    "在宅ターミナルケア・看取りを受けた患者数（ZT-T-P01、ZT-T-P02）と併せて読んでください。"
    " / Home deaths are deaths a doctor confirmed at home: they include sudden and unattended (孤独死) deaths, "
    "not only planned deaths at home. Read them with the terminal care and 看取り counts (ZT-T-P01, ZT-T-P02).")
PLACE_OF_DEATH_CAVEAT = (
    "死亡の場所は死亡届の記載によります。施設の分類（老人ホーム＝養護・特養・軽費・有料）に注意してください。"
    " / The place of death is as written on the death registration; 老人ホーム covers 養護・特養・軽費・有料.")
DIRECTORY_CAVEAT = (
    "資源リストの協力内容（事業所の回答・職員の確認）に基づきます。確認が古い事業所は実態と異なることがあります"
    "（ZT-C-P01 を参照）。過去の年度は、その年度末までに登録・確認されていた内容で数えます。"
    " / From the directory's collaboration details as answered and confirmed; old confirmations may be out of date "
    "(see ZT-C-P01). For a past year, what was registered and confirmed by its end is counted.")
SMALL_AREA_CAVEAT = (
    "人口の少ない市町村では値が秘匿（空欄）されることがあります。その場合は圏域・二次医療圏の値を参照してください。"
    " / Small municipalities' cells are often suppressed at the source: use the area's or the secondary medical "
    "area's value and label it so.")
RENKEI_PATIENTS_CAVEAT = (
    "Renkei にチームを登録した患者だけを数えます（市町村の在宅患者すべてではありません）。利用が広がるまでは増減の"
    "多くが登録の広がりによるものです。 / Counts only the patients whose team uses Renkei, not every patient at home: "
    "while use spreads, most of the change is the spread itself.")
HANDOFF_CAVEAT = (
    "Renkei で記録された入院だけを数えます。Renkei を使わない病院の退院は、ケアマネジャーが「退院後に知った」と記録した"
    "ものだけが入ります。調査（1か月の全数調査）の値とは対象と期間が異なるため、推移は調査の月と並べて読んでください。"
    " / Counts only the stays recorded on Renkei; discharges from hospitals not on Renkei enter only when a care "
    "manager records learning of them afterwards. The population and period differ from the one-month survey: read "
    "the trend beside the survey months.")
RENKEI_DESK = "Renkei の相談窓口の記録（consult: 受付日、場面、終了日）"
RENKEI_TRAINING = "Renkei の研修の記録（training: 回、出席、前後の自己評価）"
RENKEI_AWARENESS = "Renkei の普及啓発の記録（training: 取組、参加者数、アンケート）"
DESK_CAVEAT = (
    "Renkei に記録した相談だけを数えます。窓口が紙や Excel で受けた相談は入りません。 / Counts only the "
    "consultations recorded on Renkei.")
TRAINING_CAVEAT = (
    "前後の両方に答えた参加者だけの値です。回答した人は意欲の高い人に偏りやすく、研修の効果だけでなく時期の影響も"
    "含みます。 / Pairs only: those who answer both tend to be the motivated ones, and the change includes more than "
    "the training.")
AWARENESS_CAVEAT = (
    "アンケートに答えた参加者だけの値で、答えた人に偏りがあります。 / Only attendees who answered the questionnaire: "
    "a self-selected group.")
NOT_YET_COMPUTED = (
    "今は職員が入力します。この業務を記録する機能ができると、Renkei の記録から自動で計算されます。"
    " / Entered by staff for now; computed from Renkei's records once the app recording this work is in use.")


def _d(code, name_ja, name_en, description, kind, scenes, items, numerator, denominator, factor, unit, decimals,
       higher_is_better, source, vintage, caveat, period_type, levels, threshold, origin, provider="",
       source_url=""):
    return {
        "code": code, "name_ja": name_ja, "name_en": name_en, "description": description, "kind": kind,
        "scenes": scenes, "program_items": items, "numerator_label": numerator, "denominator_label": denominator,
        "factor": factor, "unit": unit, "decimals": decimals, "higher_is_better": higher_is_better,
        "data_source": source, "source_url": source_url, "vintage_note": vintage, "caveat": caveat,
        "period_type": period_type, "area_levels": levels, "suppression_threshold": threshold, "origin": origin,
        "provider": provider,
    }


S, P, O = Kind.STRUCTURE.value, Kind.PROCESS.value, Kind.OUTCOME.value  # noqa: E741 (the 手引き's S/P/O)
COMPUTED, IMPORTED, ENTERED = Origin.COMPUTED.value, Origin.IMPORTED.value, Origin.ENTERED.value

# Codes other modules rely on (providers' denominators, the death-place importer).
POPULATION_TOTAL = "ZT-BASE-01"
POPULATION_75_PLUS = "ZT-BASE-02"
POPULATION_65_PLUS = "ZT-BASE-03"
DEATHS_TOTAL = "ZT-BASE-04"

DEFINITIONS: list[dict] = [
    # --- population and deaths: the denominators ------------------------------------------------------
    _d(POPULATION_TOTAL, "総人口", "Total population",
       "住民基本台帳に基づく総人口（1月1日現在）。各指標の率の分母、圏域の比較に使います。",
       S, [], [B], "総人口", "", 1, "人", 0, None, ESTAT_POPULATION, POPULATION_VINTAGE, "",
       FY, ALL_LEVELS, NO_SUPPRESSION, IMPORTED, source_url="https://www.e-stat.go.jp/"),
    _d(POPULATION_75_PLUS, "75歳以上人口", "Population aged 75 and over",
       "住民基本台帳に基づく75歳以上の人口（1月1日現在）。訪問診療を実施する医療機関数などの分母です。",
       S, [], [B], "75歳以上人口", "", 1, "人", 0, None, ESTAT_POPULATION, POPULATION_VINTAGE, "",
       FY, ALL_LEVELS, NO_SUPPRESSION, IMPORTED, source_url="https://www.e-stat.go.jp/"),
    _d(POPULATION_65_PLUS, "65歳以上人口", "Population aged 65 and over",
       "住民基本台帳に基づく65歳以上の人口（1月1日現在）。",
       S, [], [B], "65歳以上人口", "", 1, "人", 0, None, ESTAT_POPULATION, POPULATION_VINTAGE, "",
       FY, ALL_LEVELS, NO_SUPPRESSION, IMPORTED, source_url="https://www.e-stat.go.jp/"),
    _d(DEATHS_TOTAL, "死亡数（総数）", "Deaths (all places)",
       "住所地の市区町村で数えた死亡数（暦年）。死亡の場所の割合の分母です。年度の欄には暦年の値を入れます。",
       O, [END_OF_LIFE], [B], "死亡数", "", 1, "人", 0, None, VITAL_STATISTICS, VITAL_VINTAGE, "",
       FY, PUBLISHED_LEVELS, NO_SUPPRESSION, IMPORTED, source_url="https://www.e-stat.go.jp/"),

    # --- 日常の療養支援 --------------------------------------------------------------------------------
    _d("ZT-D-S01", "訪問診療・往診を行う診療所・病院数（75歳以上人口10万対）",
       "Clinics and hospitals doing home visits per 100,000 aged 75+",
       "資源リストで訪問診療または往診に「あり」と答えた開設中の診療所・病院の数を、75歳以上人口（ZT-BASE-02、その年度"
       "またはそれ以前の直近の値）で割り10万を掛けたもの。政令市は区の事業所を含みます。",
       S, [DAILY, EMERGENCY], [A, C], "訪問診療・往診を行う診療所・病院数", "75歳以上人口", 100000, "施設", 1, True,
       f"{RENKEI_DIRECTORY}; {ESTAT_POPULATION}", AS_OF_NOW, DIRECTORY_CAVEAT, FY, [PREF, MUNI, DLA],
       NO_SUPPRESSION, COMPUTED, "directory.home_visit_clinics_per_100k_75plus"),
    _d("ZT-D-S02", "在宅療養支援診療所・病院数", "Home care support clinics and hospitals (在支診・在支病)",
       "資源リストで「在宅療養支援診療所・病院の届出」に「あり」と答えた開設中の診療所・病院の数。"
       "地方厚生局の届出受理名簿とは確認の時点が異なります。",
       S, [DAILY, EMERGENCY, END_OF_LIFE], [A, C], "在宅療養支援診療所・病院数", "", 1, "施設", 0, True,
       f"{RENKEI_DIRECTORY}（届出の有無）; 参考: {KOUSEI_KYOKU}", AS_OF_NOW, DIRECTORY_CAVEAT, FY, [PREF, MUNI, DLA],
       NO_SUPPRESSION, COMPUTED, "directory.home_care_support_clinics"),
    _d("ZT-D-S03", "訪問歯科診療を行う歯科診療所数", "Dental clinics doing home visits",
       "資源リストで訪問歯科診療に「あり」と答えた開設中の歯科診療所の数。",
       S, [DAILY], [A, C], "訪問歯科診療を行う歯科診療所数", "", 1, "施設", 0, True, RENKEI_DIRECTORY, AS_OF_NOW,
       DIRECTORY_CAVEAT, FY, [PREF, MUNI, DLA], NO_SUPPRESSION, COMPUTED, "directory.home_dental_clinics"),
    _d("ZT-D-S04", "在宅訪問薬剤管理を行う薬局数", "Pharmacies doing home visits",
       "資源リストで在宅訪問薬剤管理に「あり」と答えた開設中の薬局の数。",
       S, [DAILY], [A, C], "在宅訪問薬剤管理を行う薬局数", "", 1, "施設", 0, True, RENKEI_DIRECTORY, AS_OF_NOW,
       DIRECTORY_CAVEAT, FY, [PREF, MUNI, DLA], NO_SUPPRESSION, COMPUTED, "directory.home_visit_pharmacies"),
    _d("ZT-D-S05", "訪問診療・往診の16km圏外に住む人口の割合", "Share of residents beyond 16 km of home visits",
       "直近のカバー範囲計算（1km メッシュ）で、訪問診療・往診を行う最寄りの診療所・病院から16 kmより遠いメッシュ"
       "に住む人口の割合。16 km は保険医療機関及び保険医療養担当規則による往診・訪問診療の距離の上限です。",
       S, [DAILY, EMERGENCY], [A, C], "16km圏外のメッシュ人口", "メッシュ人口の合計", 100, "%", 1, False,
       RENKEI_COVERAGE, "カバー範囲の直近の計算（資源リストの取込・変更の後に再計算）",
       "メッシュ人口は国勢調査の地域メッシュ統計（取り込んだ版）によります。市町村の外形がない場合は施設の位置から"
       "範囲を推定しています。 / Mesh population is the census edition loaded; without an outline the area is "
       "estimated from the facilities' positions.",
       FY, [PREF, MUNI, DLA], NO_SUPPRESSION, COMPUTED, "directory.population_beyond_home_visit_reach"),
    _d("ZT-D-P01", "訪問診療を受けた患者数（75歳以上人口千対）",
       "Patients receiving scheduled home visits per 1,000 aged 75+",
       "年度内に在宅患者訪問診療料の算定が1回以上ある住民（実人数、住所地）を75歳以上人口で割り千を掛けたもの。",
       P, [DAILY], [B], "訪問診療を受けた患者数（実人数）", "75歳以上人口", 1000, "人", 1, True, f"{KDB}; {NDB}",
       KDB_VINTAGE, SMALL_AREA_CAVEAT, FY, PUBLISHED_LEVELS, PATIENTS, IMPORTED),
    _d("ZT-D-P02", "訪問看護の利用率（介護保険）", "Use of home-visit nursing (long-term care insurance)",
       "訪問看護（介護給付・予防給付）の受給者数（月平均）を要介護・要支援認定者数で割り100を掛けたもの。"
       "医療保険の訪問看護は含みません。",
       P, [DAILY], [B], "訪問看護の受給者数（月平均）", "要介護・要支援認定者数", 100, "%", 1, True,
       f"{KAIGO_REPORT}; {MIERUKA}", KAIGO_VINTAGE, SMALL_AREA_CAVEAT, FY, PUBLISHED_LEVELS, PATIENTS, IMPORTED,
       source_url="https://mieruka.mhlw.go.jp/"),
    _d("ZT-D-P03", "訪問歯科診療を受けた患者数", "Patients receiving home dental visits",
       "年度内に歯科訪問診療料の算定がある住民の実人数（住所地）。",
       P, [DAILY], [B], "訪問歯科診療を受けた患者数（実人数）", "", 1, "人", 0, True, f"{KDB}; {NDB}", NDB_VINTAGE,
       SMALL_AREA_CAVEAT, FY, PUBLISHED_LEVELS, PATIENTS, IMPORTED),
    _d("ZT-D-P04", "訪問薬剤管理指導を受けた患者数", "Patients receiving home pharmacy visits",
       "年度内に在宅患者訪問薬剤管理指導料または居宅療養管理指導費（薬剤師）の算定がある住民の実人数（住所地）。",
       P, [DAILY], [B], "訪問薬剤管理指導を受けた患者数（実人数）", "", 1, "人", 0, True, f"{KDB}; {NDB}",
       NDB_VINTAGE, SMALL_AREA_CAVEAT, FY, PUBLISHED_LEVELS, PATIENTS, IMPORTED),

    # --- 入退院支援 ------------------------------------------------------------------------------------
    _d("ZT-A-S01", "入退院支援の担当者を配置する病院数", "Hospitals with admission and discharge support staff",
       "入退院支援加算の届出がある、または入退院支援の担当部署・担当者を置く病院の数（届出名簿または資源調査）。",
       S, [ADMISSION], [C], "入退院支援の担当者を配置する病院数", "", 1, "施設", 0, True,
       f"{KOUSEI_KYOKU}; {IRYOU_NET}", "届出受理名簿: 毎月更新", "", FY, PUBLISHED_LEVELS, NO_SUPPRESSION, IMPORTED),
    _d("ZT-A-P01", "入退院支援加算の算定件数", "Claims for discharge support (入退院支援加算)",
       "住民の入院に対する入退院支援加算（旧 退院支援加算）の年度内の算定件数（患者住所地）。",
       P, [ADMISSION], [C, D], "入退院支援加算の算定件数", "", 1, "件", 0, True, NDB, NDB_VINTAGE, SMALL_AREA_CAVEAT,
       FY, PUBLISHED_LEVELS, PATIENTS, IMPORTED),
    _d("ZT-A-P02", "入院時情報連携加算の算定率",
       "Share of admissions with the care manager's information (入院時情報連携加算)",
       "居宅介護支援の利用者の入院のうち、入院時情報連携加算（Ⅰ・Ⅱ）が算定されたものの割合（KDB 医療×介護の突合）。",
       P, [ADMISSION], [D], "入院時情報連携加算の算定件数", "居宅介護支援利用者の入院件数", 100, "%", 1, True, KDB,
       KDB_VINTAGE, SMALL_AREA_CAVEAT, FY, PUBLISHED_LEVELS, PATIENTS, IMPORTED),
    _d("ZT-A-P03", "退院・退所加算の算定率", "Share of discharges with 退院・退所加算",
       "病院・施設から退院・退所し30日以内に居宅介護支援を利用した住民のうち、退院・退所加算が算定されたものの割合。",
       P, [ADMISSION], [D], "退院・退所加算の算定件数", "退院・退所後に居宅介護支援を利用した件数", 100, "%", 1, True,
       KDB, KDB_VINTAGE, SMALL_AREA_CAVEAT, FY, PUBLISHED_LEVELS, PATIENTS, IMPORTED),
    _d("ZT-A-P04", "退院調整率（病院からケアマネジャーへの引継ぎ率）",
       "Discharge coordination rate (hospital → care manager)",
       "ケアマネジャーがいる（または必要な）要介護・要支援の患者の退院のうち、退院前に病院からケアマネジャー・地域包括"
       "支援センターへ連絡があったものの割合。今はケアマネジャー調査（1か月の全数調査等）の結果を入力します。",
       P, [ADMISSION], [C, D, B], "退院前に連絡があった退院数", "ケアマネジャーがいる患者の退院数", 100, "%", 1, True,
       f"{OWN_SURVEY}; {RENKEI_RECORDS}", "調査の実施ごと（毎年同じ時期・同じ方法で）", NOT_YET_COMPUTED, FY,
       [PREF, MUNI, DLA], PATIENTS, ENTERED),
    _d("ZT-A-P05", "入院時情報提供の期限内送付率", "Share of admission information sheets sent in time",
       "ケアマネジャーが入院を知ってから期限内（加算Ⅰは当日、Ⅱは翌々日まで）に入院時情報提供書を送った割合。",
       P, [ADMISSION], [D], "期限内に送付した入院時情報提供書の数", "ケアマネジャーが把握した入院数", 100, "%", 1, True,
       RENKEI_RECORDS, "Renkei の記録（入退院の引継ぎ）", NOT_YET_COMPUTED, MONTH, [PREF, MUNI, DLA], PATIENTS,
       ENTERED),

    # --- handoff (エ): 退院調整もれ measured, computed by renkei/handoff/indicators.py ----------------------
    _d("ZT-A-P06", "退院調整率（要介護）", "Discharge coordination rate (要介護)",
       "ZT-A-P08 の分母と同じ退院のうち、入院時に要介護1〜5だった患者の退院について、退院前に期限内の連絡が"
       "あったものの割合（県中圏域の調査と同じ区分）。",
       P, [ADMISSION], [C, D, B], "退院前に期限内の連絡があった退院数（要介護）", "数えた退院数（要介護）", 100, "%",
       1, True, RENKEI_HANDOFFS, AS_OF_NOW, HANDOFF_CAVEAT, FY, [PREF, MUNI], PATIENTS, COMPUTED,
       "handoff.coordination_rate_care"),
    _d("ZT-A-P07", "退院調整率（要支援）", "Discharge coordination rate (要支援)",
       "ZT-A-P06 と同じ数え方で、入院時に要支援1・2だった患者の退院に限ったもの。",
       P, [ADMISSION], [C, D, B], "退院前に期限内の連絡があった退院数（要支援）", "数えた退院数（要支援）", 100, "%",
       1, True, RENKEI_HANDOFFS, AS_OF_NOW, HANDOFF_CAVEAT, FY, [PREF, MUNI], PATIENTS, COMPUTED,
       "handoff.coordination_rate_support"),
    _d("ZT-A-P08", "退院調整もれ率", "Missed discharge coordination rate (退院調整もれ率)",
       "Renkei に記録された入退院の引継ぎで、調整が必要な患者の自宅・施設への退院（死亡・転院・ルールの対象外を除く"
       "「数えた退院」、退院日の年度、患者の住所地）のうち、ルールの「退院前にケアマネジャーへ連絡」の手順が期限内に"
       "なかった、またはケアマネジャーが退院後に知って記録したものの割合。ZT-A-P04（調査の値）と並べて読みます。"
       "調査で測っていた「退院調整もれ率」（例: 県中圏域 平成27年5月 31%）に当たります。",
       O, [ADMISSION], [C, D, B], "退院調整もれの退院数", "数えた退院数", 100, "%", 1, False, RENKEI_HANDOFFS,
       AS_OF_NOW, HANDOFF_CAVEAT, FY, [PREF, MUNI], PATIENTS, COMPUTED, "handoff.missed_rate"),
    _d("ZT-A-P09", "急な退院連絡の割合（3日前を切った連絡）", "Share of discharges told under 3 days before",
       "数えた退院のうち、病院からケアマネジャーへの退院の連絡が退院の3日前を切っていた（または連絡がなかった）"
       "ものの割合。専門職の苦情で最も多い例外です。",
       P, [ADMISSION], [C, D], "3日前を切った連絡・連絡なしの退院数", "数えた退院数", 100, "%", 1, False,
       RENKEI_HANDOFFS, AS_OF_NOW, HANDOFF_CAVEAT, FY, [PREF, MUNI], PATIENTS, COMPUTED,
       "handoff.late_notice_share"),
    _d("ZT-A-P10", "入院時情報提供の送付率", "Share of stays with the admission information sent",
       "退院した入院（死亡・転院を含む）のうち、ケアマネジャーの入院時情報提供（入院時情報提供書）が送られていた"
       "ものの割合（期限内かどうかは問いません。期限内の割合は ZT-A-P05）。",
       P, [ADMISSION], [D], "入院時情報提供があった退院数", "退院数", 100, "%", 1, True, RENKEI_HANDOFFS, AS_OF_NOW,
       HANDOFF_CAVEAT, FY, [PREF, MUNI], PATIENTS, COMPUTED, "handoff.admission_info_sent_share"),
    _d("ZT-A-P11", "退院前カンファレンスを開いた退院の割合", "Share of discharges with a pre-discharge conference",
       "数えた退院のうち、退院前に病院と在宅側のカンファレンスが1回以上記録されたものの割合（退院・退所加算の"
       "根拠となる事実の集計で、算定の主張ではありません）。",
       P, [ADMISSION], [D], "カンファレンスを開いた退院数", "数えた退院数", 100, "%", 1, True, RENKEI_HANDOFFS,
       AS_OF_NOW, HANDOFF_CAVEAT, FY, [PREF, MUNI], PATIENTS, COMPUTED, "handoff.conference_share"),
    _d("ZT-A-P12", "身寄りのない（キーパーソンのいない）退院患者の割合",
       "Share of discharged patients without a key person",
       "退院した入院のうち、病院のスクリーニングで「キーパーソンなし」と記録されたものの割合（記録のあるものが分母）。"
       "身寄りがないことは退院の調整に時間がかかる理由で最も多いものです（入院・外来分科会 令和7年）。",
       P, [ADMISSION], [C, D], "キーパーソンのいない退院数", "キーパーソンの有無が記録された退院数", 100, "%", 1, None,
       RENKEI_HANDOFFS, AS_OF_NOW, HANDOFF_CAVEAT, FY, [PREF, MUNI], PATIENTS, COMPUTED,
       "handoff.without_key_person_share"),

    # --- 急変時の対応 ----------------------------------------------------------------------------------
    _d("ZT-E-S01", "往診を行う診療所・病院数（75歳以上人口10万対）",
       "Clinics and hospitals doing urgent home visits per 100,000 aged 75+",
       "資源リストで往診に「あり」と答えた開設中の診療所・病院の数を75歳以上人口で割り10万を掛けたもの。",
       S, [EMERGENCY], [A, C], "往診を行う診療所・病院数", "75歳以上人口", 100000, "施設", 1, True,
       f"{RENKEI_DIRECTORY}; {ESTAT_POPULATION}", AS_OF_NOW, DIRECTORY_CAVEAT, FY, [PREF, MUNI, DLA],
       NO_SUPPRESSION, COMPUTED, "directory.urgent_visit_clinics_per_100k_75plus"),
    _d("ZT-E-S02", "24時間対応の訪問看護ステーションの割合", "Share of visiting nursing stations offering 24-hour care",
       "資源リストの開設中の訪問看護ステーション（介護サービスの訪問看護事業所を含む）のうち、24時間対応に「あり」と"
       "答えたものの割合。",
       S, [EMERGENCY, END_OF_LIFE], [A, C], "24時間対応の訪問看護ステーション数", "訪問看護ステーション数", 100, "%",
       1, True, RENKEI_DIRECTORY, AS_OF_NOW, DIRECTORY_CAVEAT, FY, [PREF, MUNI, DLA], NO_SUPPRESSION, COMPUTED,
       "directory.round_the_clock_nursing_share"),
    _d("ZT-E-S03", "在宅療養後方支援病院数", "Backup hospitals for home care (在宅療養後方支援病院)",
       "在宅療養後方支援病院の届出がある病院の数。",
       S, [EMERGENCY], [C], "在宅療養後方支援病院数", "", 1, "施設", 0, True, KOUSEI_KYOKU,
       "届出受理名簿: 毎月更新", "",
       FY, PUBLISHED_LEVELS, NO_SUPPRESSION, IMPORTED),
    _d("ZT-E-S04", "24時間対応の訪問看護の16km圏外に住む人口の割合",
       "Share of residents beyond 16 km of 24-hour visiting nursing",
       "直近のカバー範囲計算で、24時間対応の最寄りの訪問看護ステーションから16 kmより遠いメッシュに住む人口の割合。",
       S, [EMERGENCY], [A, C], "16km圏外のメッシュ人口", "メッシュ人口の合計", 100, "%", 1, False, RENKEI_COVERAGE,
       "カバー範囲の直近の計算", "メッシュ人口は取り込んだ地域メッシュ統計の版によります。 / Mesh population is the "
       "census edition loaded.", FY, [PREF, MUNI, DLA], NO_SUPPRESSION, COMPUTED,
       "directory.population_beyond_nursing_reach"),
    _d("ZT-E-P01", "往診を受けた患者数（75歳以上人口千対）", "Patients receiving urgent home visits per 1,000 aged 75+",
       "年度内に往診料の算定が1回以上ある住民（実人数）を75歳以上人口で割り千を掛けたもの。",
       P, [EMERGENCY], [C], "往診を受けた患者数（実人数）", "75歳以上人口", 1000, "人", 1, True, f"{KDB}; {NDB}",
       KDB_VINTAGE, SMALL_AREA_CAVEAT, FY, PUBLISHED_LEVELS, PATIENTS, IMPORTED),
    _d("ZT-E-P02", "急変時の事前登録率", "Share of home patients registered with a backup hospital",
       "訪問診療を受けている患者のうち、後方支援病院や地域の事前登録の仕組みに登録された患者の割合。",
       P, [EMERGENCY], [C], "事前登録された在宅患者数", "訪問診療を受けている患者数", 100, "%", 1, True,
       f"{RENKEI_RECORDS}; 協議会・医師会の登録簿", "登録簿の集計時点", NOT_YET_COMPUTED, FY, [PREF, MUNI, DLA],
       PATIENTS, ENTERED),

    _d("ZT-E-P03", "急変時シートのある患者数", "Patients with an emergency sheet",
       "Renkei にチームのある患者のうち、急変時シート（救急医療情報キット: 蘇生・搬送・最期を迎えたい場所の希望、医師の"
       "指示、連絡先、服薬）が作成されている患者の数（年度末時点、当年度は計算日時点）。",
       P, [EMERGENCY, END_OF_LIFE], [D], "急変時シートのある患者数", "", 1, "人", 0, True, RENKEI_PATIENTS,
       AS_OF_NOW, RENKEI_PATIENTS_CAVEAT, FY, [PREF, MUNI], PATIENTS, COMPUTED,
       "careteams.patients_with_emergency_sheet"),
    _d("ZT-E-S05", "副主治医のいる患者数", "Patients with a backup doctor (副主治医)",
       "Renkei のケアチームに副主治医が加わっている患者の数（年度末時点、当年度は計算日時点）。",
       S, [EMERGENCY], [C], "副主治医のいる患者数", "", 1, "人", 0, True, RENKEI_PATIENTS, AS_OF_NOW,
       RENKEI_PATIENTS_CAVEAT, FY, [PREF, MUNI], PATIENTS, COMPUTED, "careteams.patients_with_backup_doctor"),
    # --- provision (ウ): on-call cover and backup beds, computed by renkei/provision/indicators.py ------------
    # Numbers from 11 up leave ZT-E-P03…P10 free for other parts.
    _d("ZT-E-P11", "オンコール当番のいない夜の割合", "Share of nights without on-call cover",
       "市町村の医師の連携グループ（主治医・副主治医の当番表）が必要とした夜（18時〜翌9時）のうち、当番が入力されて"
       "いなかった夜の割合。グループを作った日から、年度末（当年度は計算日）までを数えます。",
       P, [EMERGENCY], [C], "当番のいない夜の数", "グループが必要とした夜の数", 100, "%", 1, False, RENKEI_RECORDS,
       AS_OF_NOW, "", FY, [PREF, MUNI], NO_SUPPRESSION, COMPUTED, "provision.nights_without_cover"),
    _d("ZT-E-P12", "後方支援病院への緊急入院の件数", "Emergency admissions to backup hospitals",
       "事前登録した病院が Renkei に記録した在宅患者の緊急入院の件数（患者の住所地の市町村、年度内）。",
       P, [EMERGENCY], [C], "緊急入院の件数", "", 1, "件", 0, None, RENKEI_RECORDS, AS_OF_NOW, "", FY,
       [PREF, MUNI], PATIENTS, COMPUTED, "provision.emergency_admissions"),
    _d("ZT-E-P13", "後方支援病院に事前登録された患者数", "Patients enrolled with a backup hospital",
       "年度末（当年度は計算日）時点で、在宅療養後方支援病院等への事前登録が有効な患者の数（Renkei の記録、"
       "患者の住所地）。",
       P, [EMERGENCY], [C], "事前登録された患者数", "", 1, "人", 0, True, RENKEI_RECORDS, AS_OF_NOW, "", FY,
       [PREF, MUNI], PATIENTS, COMPUTED, "provision.patients_enrolled_with_backup_hospital"),
    _d("ZT-E-P14", "副主治医のいる患者の割合", "Share of patients with a backup doctor",
       "年度末（当年度は計算日）時点で主治医がチームにいる患者のうち、副主治医もいる患者の割合（Renkei の記録）。",
       P, [EMERGENCY, DAILY], [C], "副主治医のいる患者数", "主治医のいる患者数", 100, "%", 1, True, RENKEI_RECORDS,
       AS_OF_NOW, "", FY, [PREF, MUNI], PATIENTS, COMPUTED, "provision.patients_with_backup_doctor"),

    # --- 看取り ----------------------------------------------------------------------------------------
    _d("ZT-T-S01", "在宅看取りを行う診療所・病院数", "Clinics and hospitals providing end-of-life care at home",
       "資源リストで在宅看取りに「あり」と答えた開設中の診療所・病院の数。",
       S, [END_OF_LIFE], [A, C], "在宅看取りを行う診療所・病院数", "", 1, "施設", 0, True, RENKEI_DIRECTORY,
       AS_OF_NOW, DIRECTORY_CAVEAT, FY, [PREF, MUNI, DLA], NO_SUPPRESSION, COMPUTED,
       "directory.end_of_life_care_clinics"),
    _d("ZT-T-P01", "在宅ターミナルケアを受けた患者数", "Patients receiving terminal care at home",
       "死亡前30日以内に在宅ターミナルケア加算・看取り加算（医療）またはターミナルケア加算（介護）の算定がある住民の数。",
       P, [END_OF_LIFE], [B], "在宅ターミナルケアを受けた患者数", "", 1, "人", 0, True, f"{KDB}; {NDB}", NDB_VINTAGE,
       SMALL_AREA_CAVEAT, FY, PUBLISHED_LEVELS, PATIENTS, IMPORTED),
    _d("ZT-T-P02", "在宅での看取り数", "Deaths at home attended by a doctor (看取り加算)",
       "看取り加算・死亡診断加算の算定件数（在宅で医師が看取った死亡）。",
       P, [END_OF_LIFE], [B], "看取り加算・死亡診断加算の算定件数", "", 1, "件", 0, True, NDB, NDB_VINTAGE,
       SMALL_AREA_CAVEAT, FY, PUBLISHED_LEVELS, PATIENTS, IMPORTED),
    _d("ZT-T-O01", "自宅での死亡の割合", "Share of deaths at home",
       "死亡の場所が「自宅」の死亡数を死亡数の総数で割り100を掛けたもの（暦年）。",
       O, [END_OF_LIFE], [B], "自宅での死亡数", "死亡数（総数）", 100, "%", 1, True, VITAL_STATISTICS,
       VITAL_VINTAGE, HOME_DEATH_CAVEAT, FY, PUBLISHED_LEVELS, NO_SUPPRESSION, IMPORTED,
       source_url="https://www.e-stat.go.jp/"),
    _d("ZT-T-O02", "老人ホームでの死亡の割合", "Share of deaths in residential care homes (老人ホーム)",
       "死亡の場所が「老人ホーム」（養護・特別養護・軽費・有料）の死亡数の割合（暦年）。",
       O, [END_OF_LIFE], [B], "老人ホームでの死亡数", "死亡数（総数）", 100, "%", 1, True, VITAL_STATISTICS,
       VITAL_VINTAGE, PLACE_OF_DEATH_CAVEAT, FY, PUBLISHED_LEVELS, NO_SUPPRESSION, IMPORTED,
       source_url="https://www.e-stat.go.jp/"),
    _d("ZT-T-O03", "自宅・老人ホームでの死亡の割合（在宅等死亡割合）", "Share of deaths at home or in care homes",
       "死亡の場所が「自宅」または「老人ホーム」の死亡数の割合（暦年）。保険者シートの中間成果の指標です。",
       O, [END_OF_LIFE], [B], "自宅・老人ホームでの死亡数", "死亡数（総数）", 100, "%", 1, True, VITAL_STATISTICS,
       VITAL_VINTAGE, HOME_DEATH_CAVEAT, FY, PUBLISHED_LEVELS, NO_SUPPRESSION, IMPORTED,
       source_url="https://www.e-stat.go.jp/"),
    _d("ZT-T-O04", "介護医療院・介護老人保健施設での死亡の割合",
       "Share of deaths in care hospitals and geriatric health facilities",
       "死亡の場所が「介護医療院・介護老人保健施設」の死亡数の割合（暦年）。",
       O, [END_OF_LIFE], [B], "介護医療院・介護老人保健施設での死亡数", "死亡数（総数）", 100, "%", 1, None,
       VITAL_STATISTICS, VITAL_VINTAGE, PLACE_OF_DEATH_CAVEAT, FY, PUBLISHED_LEVELS, NO_SUPPRESSION, IMPORTED,
       source_url="https://www.e-stat.go.jp/"),
    _d("ZT-T-O05", "病院・診療所での死亡の割合", "Share of deaths in hospitals and clinics",
       "死亡の場所が「病院」または「診療所」の死亡数の割合（暦年）。望ましい方向は本人の望む場所によるため定めません。",
       O, [END_OF_LIFE], [B], "病院・診療所での死亡数", "死亡数（総数）", 100, "%", 1, None, VITAL_STATISTICS,
       VITAL_VINTAGE, PLACE_OF_DEATH_CAVEAT, FY, PUBLISHED_LEVELS, NO_SUPPRESSION, IMPORTED,
       source_url="https://www.e-stat.go.jp/"),
    _d("ZT-T-O06", "自宅で亡くなった患者の割合（Renkei の記録）", "Share of team patients who died at home",
       "Renkei にチームのある患者で年度内に亡くなった人のうち、チームが死亡の場所を「自宅」と記録した人の割合。",
       O, [END_OF_LIFE], [B], "自宅で亡くなった患者数", "亡くなった患者数", 100, "%", 1, True, RENKEI_PATIENTS,
       AS_OF_NOW, RENKEI_PATIENTS_CAVEAT, FY, [PREF, MUNI], PATIENTS, COMPUTED, "careteams.deaths_at_home_share"),
    _d("ZT-T-O07", "望んだ場所で亡くなった患者の割合", "Share of team patients who died where they wished",
       "年度内に亡くなった患者のうち急変時シートに最期を迎えたい場所の希望が記録されていた人について、チームが記録した"
       "死亡の場所が希望と同じだった人の割合（希望が未記録・未定の人は分母に入れません）。",
       O, [END_OF_LIFE], [B], "望んだ場所で亡くなった患者数", "希望が記録されていた亡くなった患者数", 100, "%", 1, True,
       RENKEI_PATIENTS, AS_OF_NOW, RENKEI_PATIENTS_CAVEAT, FY, [PREF, MUNI], PATIENTS, COMPUTED,
       "careteams.deaths_where_wished_share"),

    # --- 連携の体制: directory upkeep, consultations, training, information sharing -----------------------
    _d("ZT-C-P01", "協力内容を12か月以内に確認した割合",
       "Share of collaboration details confirmed in the last 12 months",
       "資源リストの開設中の事業所の協力内容のうち、確認日が12か月以内のものの割合（年度末時点、当年度は計算日時点）。",
       P, [COLLABORATION], [A], "12か月以内に確認した協力内容の数", "協力内容の数", 100, "%", 1, True,
       RENKEI_DIRECTORY, AS_OF_NOW, "", FY, [PREF, MUNI, DLA], NO_SUPPRESSION, COMPUTED,
       "directory.details_confirmed_within_12_months"),
    _d("ZT-C-P02", "在宅医療・介護連携の相談件数", "Consultations received by the home care coordination desk",
       "在宅医療・介護連携の相談窓口が受けた相談の件数（受付日の月、相談者の種別を問わず）。",
       P, [COLLABORATION, *[DAILY, ADMISSION, EMERGENCY, END_OF_LIFE]], [E], "相談件数", "", 1, "件", 0, True,
       RENKEI_DESK, AS_OF_NOW, DESK_CAVEAT, MONTH, [PREF, MUNI], PATIENTS, COMPUTED, "consult.cases_received"),
    _d("ZT-C-P03", "相談支援の調整完結率", "Share of consultations closed within 30 days",
       "年度内に受けた相談のうち、受付から30日以内に結果を記録して終えたものの割合。受付から30日たっていない"
       "未完了の相談は、まだ判断できないため分母に入れません。",
       P, [COLLABORATION], [E], "30日以内に終えた相談数", "受けた相談数（30日経過または終了）", 100, "%", 1, True,
       RENKEI_DESK, AS_OF_NOW, DESK_CAVEAT, FY, [PREF, MUNI], PATIENTS, COMPUTED,
       "consult.closed_within_30_days_share"),
    _d("ZT-C-P09", "相談を終えるまでの平均日数", "Mean days from receiving a consultation to closing it",
       "年度内に終えた相談について、受付日から終了日までの日数の平均。",
       P, [COLLABORATION], [E], "終えた相談の日数の合計", "年度内に終えた相談数", 1, "日", 1, False, RENKEI_DESK,
       AS_OF_NOW, DESK_CAVEAT, FY, [PREF, MUNI], PATIENTS, COMPUTED, "consult.mean_days_to_close"),
    _d("ZT-D-P05", "日常の療養支援に関する相談件数", "Consultations about daily care",
       "相談窓口が年度内に受けた相談のうち、場面を「日常の療養支援」と記録したものの件数。",
       P, [DAILY], [E], "相談件数（日常の療養支援）", "", 1, "件", 0, True, RENKEI_DESK, AS_OF_NOW, DESK_CAVEAT, FY,
       [PREF, MUNI], PATIENTS, COMPUTED, "consult.cases_daily_care"),
    _d("ZT-A-P13", "入退院支援に関する相談件数", "Consultations about admission and discharge",
       "相談窓口が年度内に受けた相談のうち、場面を「入退院支援」と記録したものの件数。",
       P, [ADMISSION], [E], "相談件数（入退院支援）", "", 1, "件", 0, True, RENKEI_DESK, AS_OF_NOW, DESK_CAVEAT, FY,
       [PREF, MUNI], PATIENTS, COMPUTED, "consult.cases_admission_discharge"),
    _d("ZT-E-P04", "急変時の対応に関する相談件数", "Consultations about emergencies",
       "相談窓口が年度内に受けた相談のうち、場面を「急変時の対応」と記録したものの件数。",
       P, [EMERGENCY], [E], "相談件数（急変時の対応）", "", 1, "件", 0, True, RENKEI_DESK, AS_OF_NOW, DESK_CAVEAT, FY,
       [PREF, MUNI], PATIENTS, COMPUTED, "consult.cases_emergency"),
    _d("ZT-T-P03", "看取りに関する相談件数", "Consultations about end-of-life care",
       "相談窓口が年度内に受けた相談のうち、場面を「看取り」と記録したものの件数。",
       P, [END_OF_LIFE], [E], "相談件数（看取り）", "", 1, "件", 0, True, RENKEI_DESK, AS_OF_NOW, DESK_CAVEAT, FY,
       [PREF, MUNI], PATIENTS, COMPUTED, "consult.cases_end_of_life"),
    _d("ZT-C-P04", "多職種研修の開催回数", "Multi-professional training sessions held",
       "在宅医療・介護連携の多職種研修・事例検討会・同行研修の回（セッション）のうち、年度内に開催したものの数"
       "（中止を除く）。",
       P, [COLLABORATION], [F], "研修の開催回数", "", 1, "回", 0, True, RENKEI_TRAINING, AS_OF_NOW, "", FY,
       [PREF, MUNI], NO_SUPPRESSION, COMPUTED, "training.sessions_held"),
    _d("ZT-C-P05", "多職種研修の参加者数", "Participants in multi-professional training",
       "年度内に開催した研修の回ごとの出席者の延べ人数（職種別・事業所別の内訳は研修の記録にあります）。",
       P, [COLLABORATION], [F], "研修の参加者数（延べ）", "", 1, "人", 0, True, RENKEI_TRAINING, AS_OF_NOW, "", FY,
       [PREF, MUNI], NO_SUPPRESSION, COMPUTED, "training.attendances"),
    _d("ZT-C-O01", "多職種研修後に連携の自己評価が上がった参加者の割合",
       "Share of trainees whose collaboration self-assessment improved",
       "年度内の研修で、同じ自己評価票に研修の前と後の両方で答えた参加者（ペア）のうち、後の合計点（選択式の設問）が"
       "前より高かった人の割合。前か後の片方だけの回答は数えません。",
       O, [COLLABORATION], [F], "自己評価が上がった参加者数", "前後の両方に答えた参加者数", 100, "%", 1, True,
       RENKEI_TRAINING, AS_OF_NOW, TRAINING_CAVEAT, FY, [PREF, MUNI], NO_SUPPRESSION, COMPUTED,
       "training.improved_share"),
    _d("ZT-C-P14", "研修参加者のうち医師・歯科医師・薬剤師の割合",
       "Share of training attendances by doctors, dentists and pharmacists",
       "年度内の研修の延べ出席者のうち、職種が医師・歯科医師・薬剤師だった人の割合（研修が届きにくい職種の指標）。",
       P, [COLLABORATION], [F], "医師・歯科医師・薬剤師の延べ出席者数", "延べ出席者数", 100, "%", 1, True,
       RENKEI_TRAINING, AS_OF_NOW, "", FY, [PREF, MUNI], NO_SUPPRESSION, COMPUTED,
       "training.medical_profession_share"),
    _d("ZT-C-P15", "普及啓発の参加者数（65歳以上人口千人当たり）", "Awareness attendance per 1,000 residents aged 65+",
       "年度内の市民公開講座・出前講座・イベントの参加者数の合計を、65歳以上人口（ZT-BASE-03）千人当たりで表したもの。"
       "広報記事・チラシの配布数は含みません。",
       P, [COLLABORATION, END_OF_LIFE], [G], "普及啓発の参加者数", "65歳以上人口", 1000, "人", 1, True,
       RENKEI_AWARENESS, AS_OF_NOW, "", FY, [PREF, MUNI], NO_SUPPRESSION, COMPUTED,
       "training.awareness_reach_per_1000_65plus"),
    _d("ZT-C-P16", "普及啓発の実施回数", "Public awareness activities held",
       "年度内に実施した普及啓発の取組（講座・イベント・広報記事・チラシ、中止を除く）の数。",
       P, [COLLABORATION], [G], "普及啓発の実施回数", "", 1, "回", 0, True, RENKEI_AWARENESS, AS_OF_NOW, "", FY,
       [PREF, MUNI], NO_SUPPRESSION, COMPUTED, "training.awareness_activities"),
    _d("ZT-C-P17", "普及啓発が届いた日常生活圏域の割合", "Share of daily living areas reached by awareness work",
       "市町村の日常生活圏域のうち、年度内に講座・イベント等（圏域を記録したもの）を実施した圏域の割合。",
       P, [COLLABORATION], [G], "実施した日常生活圏域の数", "日常生活圏域の数", 100, "%", 1, True, RENKEI_AWARENESS,
       AS_OF_NOW, "", FY, [PREF, MUNI], NO_SUPPRESSION, COMPUTED, "training.awareness_areas_reached_share"),
    _d("ZT-T-O08", "人生会議について家族と話そうと思った参加者の割合",
       "Share of attendees who intend to talk about ACP with their family",
       "年度内の普及啓発の取組のあとのアンケートで、人生会議について「家族と話そうと思う」または「すでに話した」と"
       "答えた人の割合（この設問に答えた人が分母）。",
       O, [END_OF_LIFE], [G], "家族と話そうと思う・話した人数", "設問に答えた人数", 100, "%", 1, True,
       RENKEI_AWARENESS, AS_OF_NOW, AWARENESS_CAVEAT, FY, [PREF, MUNI], NO_SUPPRESSION, COMPUTED,
       "training.acp_intention_share"),
    _d("ZT-C-P06", "情報共有ツールの活用率", "Share of home patients with an active information-sharing space",
       "訪問診療を受けている患者のうち、90日以内に投稿がある情報共有の場（地域の ICT ツール）を持つ患者の割合。",
       P, [DAILY, COLLABORATION], [D], "情報共有の場が活発な患者数", "訪問診療を受けている患者数", 100, "%", 1, True,
       f"{RENKEI_RECORDS}; 情報共有ツールの管理画面の集計", "集計時点", NOT_YET_COMPUTED, FY, [PREF, MUNI, DLA],
       PATIENTS, ENTERED),
    _d("ZT-C-P07", "ケアチームで情報を共有している患者数", "Patients whose care team shares information in Renkei",
       "Renkei にケアチーム（現在のメンバーが1人以上）のある患者の数（年度末時点、当年度は計算日時点）。",
       P, [DAILY, COLLABORATION], [D], "ケアチームのある患者数", "", 1, "人", 0, True, RENKEI_PATIENTS, AS_OF_NOW,
       RENKEI_PATIENTS_CAVEAT, FY, [PREF, MUNI], PATIENTS, COMPUTED, "careteams.patients_with_team"),
    _d("ZT-C-P08", "情報共有の同意がある患者数", "Patients with a current consent to share information",
       "Renkei に記録された情報共有の同意（本人または代理人）が有効な（撤回されていない）患者の数（年度末時点）。",
       P, [COLLABORATION], [D], "同意が有効な患者数", "", 1, "人", 0, True, RENKEI_PATIENTS, AS_OF_NOW,
       RENKEI_PATIENTS_CAVEAT, FY, [PREF, MUNI], PATIENTS, COMPUTED, "careteams.patients_with_consent"),
]

FIELDS = [name for name in DEFINITIONS[0] if name != "code"]


def seed_library(definition_model=None) -> dict[str, int]:
    """Create or update the built-in definitions by code; return {"created": n, "updated": n, "unchanged": n}.

    Idempotent. Only built-ins (no owner) are touched: a municipality's or a prefecture's definition with the same
    code is never read nor written. `is_active` is left as an administrator set it. Takes the model class so the
    data migration can pass its historical model.
    """
    if definition_model is None:
        from .models import IndicatorDefinition as definition_model
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    existing = {row.code: row for row in definition_model.objects.filter(
        owner_municipality__isnull=True, owner_prefecture__isnull=True, code__in=[d["code"] for d in DEFINITIONS])}
    for spec in DEFINITIONS:
        row = existing.get(spec["code"])
        if row is None:
            definition_model.objects.create(code=spec["code"], is_builtin=True,
                                            **{name: spec[name] for name in FIELDS})
            counts["created"] += 1
            continue
        changed = [name for name in FIELDS if getattr(row, name) != spec[name]]
        if not row.is_builtin:
            changed.append("is_builtin")
            row.is_builtin = True
        if not changed:
            counts["unchanged"] += 1
            continue
        for name in changed:
            setattr(row, name, spec[name])
        row.save()
        counts["updated"] += 1
    return counts


def definition_spec(code: str) -> dict:
    """The shipped definition of a built-in code (KeyError when there is none)."""
    for spec in DEFINITIONS:
        if spec["code"] == code:
            return spec
    raise KeyError(code)
