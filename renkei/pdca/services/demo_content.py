"""What the PDCA demo says: 福知山市's goals, logic model, councils and indicator concepts, written for the demo.

Nothing here is copied from the seeds or any third-party file: the logic model only takes their *shape*
(blocks per scene, several measures per block, indicators and an intermediate outcome per block, measures
listed again as "(再)"). The municipality table holds facts as rounded approximations (positions,
populations, areas) so the comparison charts and the map look plausible; every value built from them is
marked "デモ用に生成".
"""

from __future__ import annotations

from dataclasses import dataclass

from renkei.core.models import Scene

# --- indicator concepts ----------------------------------------------------------------------------------

ESTAT_DEATHS = "e-Stat 人口動態統計（デモ用に生成）"
ESTAT_POPULATION = "e-Stat 住民基本台帳に基づく人口（デモ用に生成）"
KDB = "KDB（国保データベース）帳票（デモ用に生成）"


@dataclass(frozen=True)
class Concept:
    """An indicator the demo needs. `code` is the built-in library's (`renkei.indicators.library`), used when the
    library has it; "FK-…" codes are 福知山市's own indicators (the library has no such definition)."""

    code: str
    name_ja: str
    name_en: str
    kind: str  # structure / process / outcome
    scenes: tuple[str, ...]
    origin: str  # computed / imported / entered
    numerator: str
    denominator: str = ""
    factor: int = 1
    unit: str = ""
    higher_is_better: bool | None = True
    source: str = ""
    provider: str = ""
    decimals: int = 1
    # Values for every municipality of the prefecture, the prefecture and the nation (comparisons, the map).
    whole_prefecture: bool = False
    # 福知山市's latest value against its target: True on track, False behind (None: no target).
    on_track: bool | None = True

    @property
    def is_rate(self) -> bool:
        return bool(self.denominator)


S = Scene
CONCEPTS: dict[str, Concept] = {
    # imported (e-Stat, KDB): every municipality of 京都府, 京都府 and 全国
    "home_death_share": Concept(
        "ZT-T-O01", "自宅での死亡の割合", "Share of deaths at home", "outcome", (S.END_OF_LIFE,), "imported",
        "自宅での死亡数", "死亡数（総数）", 100, "%", True, ESTAT_DEATHS, whole_prefecture=True, on_track=True),
    "nursing_home_death_share": Concept(
        "ZT-T-O02", "老人ホームでの死亡の割合", "Share of deaths in care homes", "outcome",
        (S.END_OF_LIFE,), "imported", "老人ホームでの死亡数", "死亡数（総数）", 100, "%", True, ESTAT_DEATHS,
        whole_prefecture=True, on_track=False),
    "population_75_plus": Concept(
        "ZT-BASE-02", "75歳以上人口", "Population aged 75 and over", "structure", (), "imported", "75歳以上人口",
        unit="人", higher_is_better=None, source=ESTAT_POPULATION, decimals=0, whole_prefecture=True,
        on_track=None),
    "home_visit_patients_per_1000": Concept(
        "ZT-D-P01", "訪問診療を受けた患者数（75歳以上人口千人当たり）",
        "Patients receiving scheduled home visits per 1,000 aged 75+", "process", (S.DAILY_CARE,), "imported",
        "訪問診療を受けた75歳以上の患者数", "75歳以上人口", 1000, "人", True, KDB, whole_prefecture=True,
        on_track=True),
    "urgent_visit_patients_per_1000": Concept(
        "ZT-E-P01", "往診を受けた患者数（75歳以上人口千人当たり）",
        "Patients receiving urgent home visits per 1,000 aged 75+", "process", (S.EMERGENCY,), "imported",
        "往診を受けた75歳以上の患者数", "75歳以上人口", 1000, "人", True, KDB, whole_prefecture=True,
        on_track=False),
    # computed from the directory (its providers)
    "home_visit_clinics_per_100k_75": Concept(
        "ZT-D-S01", "訪問診療を行う診療所・病院数（75歳以上人口10万対）",
        "Clinics and hospitals doing home visits per 100,000 aged 75+", "structure", (S.DAILY_CARE,), "computed",
        "訪問診療を行う診療所・病院数", "75歳以上人口", 100000, "施設", True, "Renkei 資源一覧",
        "directory.home_visit_clinics_per_100k_75plus", on_track=True),
    "home_care_support_clinics": Concept(
        "ZT-D-S02", "在宅療養支援診療所・病院数", "Home care support clinics and hospitals",
        "structure", (S.DAILY_CARE, S.EMERGENCY), "computed", "在宅療養支援診療所・病院数", unit="施設",
        source="Renkei 資源一覧", provider="directory.home_care_support_clinics", decimals=0, on_track=False),
    "outside_reach_share": Concept(
        "ZT-D-S05", "訪問診療16km圏外の人口の割合", "Share of the population outside the 16 km home-visit reach",
        "structure", (S.DAILY_CARE,), "computed", "16km圏外の人口", "人口", 100, "%", False, "Renkei 資源一覧",
        "directory.population_beyond_home_visit_reach", on_track=True),
    "nursing_24h_share": Concept(
        "ZT-E-S02", "24時間対応の訪問看護ステーションの割合", "Share of visiting nursing stations open 24 hours",
        "structure", (S.EMERGENCY,), "computed", "24時間対応の訪問看護ステーション数", "訪問看護ステーション数", 100,
        "%", True, "Renkei 資源一覧", "directory.round_the_clock_nursing_share", on_track=False),
    "details_confirmed_share": Concept(
        "ZT-C-P01", "連携情報を12か月以内に確認した事業所の割合",
        "Share of facilities whose collaboration details were confirmed in the last 12 months", "process",
        (S.COLLABORATION_SYSTEM,), "computed", "12か月以内に確認した事業所数", "事業所数", 100, "%", True,
        "Renkei 資源一覧", "directory.details_confirmed_within_12_months", on_track=False),
    # entered by the municipality's staff
    "discharge_conferences": Concept(
        "FK-A-P01", "退院前カンファレンスの開催回数", "Pre-discharge conferences held", "process",
        (S.ADMISSION_DISCHARGE,), "entered", "退院前カンファレンス開催回数", unit="回",
        source="市内病院 地域連携室の集計", decimals=0, on_track=True),
    "discharge_handoff_share": Concept(
        "ZT-A-P04", "退院時に在宅の支援者へ情報を引き継いだ割合",
        "Share of discharges handed over to home-care staff", "outcome", (S.ADMISSION_DISCHARGE,), "entered",
        "在宅の支援者へ情報を引き継いだ退院数", "要支援・要介護者の退院数", 100, "%", True,
        "ケアマネジャー調査（市）", on_track=False),
    "acp_training_participants": Concept(
        "FK-T-P01", "人生会議（ACP）研修・講座の参加者数", "Participants in ACP courses", "process",
        (S.END_OF_LIFE,), "entered", "参加者数", unit="人", source="市 高齢者福祉課の集計", decimals=0,
        on_track=True),
    "ict_registered": Concept(
        "FK-C-P01", "ICT連携ネットワークに登録した在宅療養者数", "Home patients registered on the ICT network",
        "process", (S.COLLABORATION_SYSTEM, S.ADMISSION_DISCHARGE), "entered", "登録者数", unit="人",
        source="在宅医療・介護連携支援センターの集計", decimals=0, on_track=True),
    "bcp_share": Concept(
        "FK-I-S01", "業務継続計画（BCP）を策定した介護事業所の割合",
        "Share of care providers with a business continuity plan",
        "structure", (S.INFECTION_DISASTER,), "entered", "BCPを策定した事業所数", "介護事業所数", 100, "%", True,
        "市 介護保険課の調査", on_track=False),
}

# Shown on the residents' page.
PUBLIC_CONCEPTS = ["home_death_share", "population_75_plus", "home_visit_clinics_per_100k_75",
                   "acp_training_participants", "nursing_24h_share"]

# --- 京都府's municipalities: rounded facts ---------------------------------------------------------------
# (centre of the area lat/lon, population, area-equivalent radius km, share aged 75+)

MUNICIPALITIES: dict[str, tuple[float, float, int, float, float]] = {
    "261009": (35.080, 135.720, 1440000, 16.0, 0.16),  # 京都市
    "262013": (35.297, 135.126, 76000, 13.0, 0.17),  # 福知山市
    "262021": (35.475, 135.386, 77000, 10.0, 0.18),  # 舞鶴市
    "262030": (35.299, 135.258, 31000, 10.5, 0.23),  # 綾部市
    "262048": (34.884, 135.800, 178000, 4.6, 0.16),  # 宇治市
    "262056": (35.536, 135.196, 16500, 7.4, 0.25),  # 宮津市
    "262064": (35.013, 135.574, 86000, 8.5, 0.16),  # 亀岡市
    "262072": (34.853, 135.780, 74000, 3.2, 0.18),  # 城陽市
    "262081": (34.949, 135.698, 56000, 1.6, 0.15),  # 向日市
    "262099": (34.927, 135.696, 81000, 2.5, 0.15),  # 長岡京市
    "262102": (34.876, 135.708, 69000, 2.8, 0.17),  # 八幡市
    "262111": (34.815, 135.768, 70000, 3.7, 0.12),  # 京田辺市
    "262129": (35.624, 135.061, 51000, 12.6, 0.23),  # 京丹後市
    "262137": (35.210, 135.560, 30000, 14.0, 0.21),  # 南丹市
    "262145": (34.737, 135.820, 80000, 5.2, 0.11),  # 木津川市
    "263036": (34.903, 135.688, 16000, 1.4, 0.16),  # 大山崎町
    "263222": (34.882, 135.732, 15000, 2.1, 0.16),  # 久御山町
    "263435": (34.799, 135.803, 7000, 2.4, 0.22),  # 井手町
    "263443": (34.853, 135.855, 9000, 4.3, 0.19),  # 宇治田原町
    "263648": (34.759, 135.939, 1100, 2.7, 0.33),  # 笠置町
    "263656": (34.795, 135.907, 3500, 4.5, 0.28),  # 和束町
    "263664": (34.761, 135.786, 36000, 2.9, 0.12),  # 精華町
    "263672": (34.770, 136.012, 2500, 4.5, 0.30),  # 南山城村
    "264075": (35.170, 135.370, 12500, 9.8, 0.27),  # 京丹波町
    "264636": (35.674, 135.289, 1900, 4.5, 0.32),  # 伊根町
    "264652": (35.527, 135.140, 20000, 5.9, 0.23),  # 与謝野町
}
# 全国 per fiscal year: (75歳以上人口, 死亡数, 自宅死 %, 老人ホーム死 %, 訪問診療/千人, 往診/千人), rounded.
NATION = {
    2022: (19_360_000, 1_569_000, 17.4, 11.0, 60.0, 12.1),
    2023: (20_080_000, 1_576_000, 17.0, 11.5, 61.8, 12.4),
    2024: (20_780_000, 1_605_000, 17.3, 11.9, 63.5, 12.6),
}

# --- the plan ---------------------------------------------------------------------------------------------

PLAN_SCENES = [S.DAILY_CARE, S.ADMISSION_DISCHARGE, S.EMERGENCY, S.END_OF_LIFE, S.COLLABORATION_SYSTEM,
               S.INFECTION_DISASTER]
OVERALL_GOAL = ("市民一人ひとりが、医療や介護が必要になっても、家族や地域とのつながりの中で、"
                "自分の望む暮らしを選び続けることができる。")
SCENE_GOALS = {
    S.DAILY_CARE: "市民が、通院が難しくなっても、自宅や施設で必要な医療と介護を受けながら暮らし続けられる。",
    S.ADMISSION_DISCHARGE: ("市民が、入院しても退院後の暮らしを見通した支援を受け、"
                            "安心して自宅や施設に戻ることができる。"),
    S.EMERGENCY: ("市民とその家族が、急に具合が悪くなったときの連絡先と対応を知っていて、"
                  "本人の意向に沿った対応を受けられる。"),
    S.END_OF_LIFE: ("市民が、元気なうちから人生の最終段階の過ごし方を家族や支援者と話し合い、"
                    "望む場所で最期を迎えられる。"),
    S.COLLABORATION_SYSTEM: "市民が、どの窓口に相談しても、医療と介護の専門職が連携した支援につながることができる。",
    S.INFECTION_DISASTER: "市民が、災害や感染症が広がったときも、療養と介護を途切れさせずに受けられる。",
}
# The first wording of the end-of-life goal (令和6年3月), revised a year later: the history shows both.
END_OF_LIFE_GOAL_REV1 = "市民が、人生の最終段階の過ごし方を考え、望む場所で最期を迎えられる。"
END_OF_LIFE_GOAL_REASON = "看取り・ACP WG の提案により、話し合いを始める時期（元気なうちから）と相手を明記"

# Organization references used below → found (or added) by the builder.
#   office 市役所, medical 医師会, dental 歯科医師会, pharma 薬剤師会, hcc 地域包括支援センター (both),
#   health 保健所, hospital 病院 (first two), vns 訪問看護 (all), cmo 居宅介護支援 (first two), swc 社会福祉協議会
# A measure: (ref, text, leads, partners, program items, status); ("again", ref) lists a measure again ("(再)").
# An indicator: (label as written, concept, level).
BLOCKS = [
    (S.ADMISSION_DISCHARGE, "入院しても、退院後の暮らしを見通した支援を、病院と地域の支援者から切れ目なく受けられる", [
        ("ad1", "入退院支援ルール（福知山版）の運用と年1回の見直し", ["office"], ["hospital", "hcc"], ["c"],
         "in_progress"),
        ("ad2", "入院時情報提供書の様式をそろえ、ケアマネジャーに周知する", ["hcc"], ["cmo"], ["d"], "done"),
        ("ad3", "退院前カンファレンスへの在宅支援者（訪問看護・ケアマネジャー・薬局）の参加を促す", ["hospital"],
         ["vns", "pharma", "cmo"], ["c"], "in_progress"),
        ("ad4", "病院の地域連携室と居宅介護支援事業所の交流会（年2回）", ["medical"], ["hospital", "cmo"], ["f"],
         "in_progress"),
        ("ad5", "ICT連携ネットワークで退院時の情報を共有する", ["medical"], ["hospital", "vns"], ["d"], "in_progress"),
    ], [
        ("退院前カンファレンスの開催回数", "discharge_conferences", "output"),
        ("退院時に在宅の支援者へ情報を引き継いだ割合", "discharge_handoff_share", "outcome"),
        ("ICT連携ネットワークの登録者数", "ict_registered", "output"),
    ]),
    (S.DAILY_CARE, "望む場所で療養を続けられるよう、必要な医療と介護を受けられる", [
        ("dc1", "訪問診療を始める医師のための同行研修", ["medical"], ["hospital"], ["f"], "in_progress"),
        ("dc2", "主治医・副主治医の組み合わせ（グループ診療）の仕組みづくり", ["medical"], [], ["c"], "planned"),
        ("dc3", "訪問歯科診療の相談窓口を市民と専門職に知らせる", ["dental"], ["hcc"], ["g"], "done"),
        ("dc4", "薬局の在宅訪問（訪問薬剤管理指導）の案内冊子をつくる", ["pharma"], ["cmo"], ["g"], "done"),
        ("dc5", "多職種合同の事例検討会（年4回）", ["medical"], ["hcc", "vns", "cmo"], ["f"], "in_progress"),
        ("dc6", "北部・夜久野圏域の訪問体制の検討（移動時間を減らす工夫）", ["office"], ["vns", "medical"], ["c"],
         "in_progress"),
        ("dc7", "医療的ケアが必要な人の短期入所の受け入れ先を確保する", ["office"], ["hospital"], ["c"], "planned"),
        ("again", "ad5"),
    ], [
        ("訪問診療を行う診療所・病院数（75歳以上人口10万対）", "home_visit_clinics_per_100k_75", "output"),
        ("在宅療養支援診療所・病院数", "home_care_support_clinics", "output"),
        ("訪問診療16km圏外の人口の割合", "outside_reach_share", "outcome"),
        ("訪問診療を受けた患者数（75歳以上千人当たり）", "home_visit_patients_per_1000", "outcome"),
    ]),
    (S.EMERGENCY, "急に具合が悪くなっても、本人の意向に沿って、あわてずに必要な対応を受けられる", [
        ("em1", "救急医療情報キットの配布と、年1回の中身の更新の呼びかけ", ["hcc"], ["swc"], ["g"], "in_progress"),
        ("em2", "急変時の連絡先と対応を書いておく「もしものときシート」を広める", ["office"], ["hcc", "vns"], ["g"],
         "in_progress"),
        ("em3", "在宅療養者が急変したときに受け入れる病院（後方支援病床）の登録", ["medical"], ["hospital"], ["c"],
         "in_progress"),
        ("em4", "訪問看護ステーションどうしで24時間対応を助け合う仕組み", ["vns"], ["medical"], ["c"], "planned"),
        ("em5", "消防・救急と在宅の支援者の情報交換会", ["medical"], ["office"], ["f"], "done"),
        ("again", "dc2"),
    ], [
        ("24時間対応の訪問看護ステーションの割合", "nursing_24h_share", "output"),
        ("往診を受けた患者数（75歳以上千人当たり）", "urgent_visit_patients_per_1000", "outcome"),
        ("在宅療養支援診療所・病院数", "home_care_support_clinics", "output"),
    ]),
    (S.END_OF_LIFE, "人生の最終段階の過ごし方を話し合い、望む場所で最期を迎えられる", [
        ("eol1", "人生会議（ACP）の市民講座を圏域ごとに開く", ["office"], ["medical", "hcc"], ["g"], "in_progress"),
        ("eol2", "専門職向けの意思決定支援（ACP）研修", ["medical"], ["vns", "cmo"], ["f"], "in_progress"),
        ("eol3", "「わたしの想いノート」をつくり、窓口と診療所で配る", ["office"], ["hcc", "medical"], ["g"], "done"),
        ("eol4", "介護施設で看取りを支える職員向けの研修", ["medical"], ["hcc"], ["f"], "in_progress"),
        ("eol5", "在宅での痛みの緩和に向けた薬局と訪問看護の連携", ["pharma"], ["vns"], ["c"], "planned"),
        ("again", "ad3"),
        ("again", "dc2"),
    ], [
        ("自宅での死亡の割合", "home_death_share", "outcome"),
        ("老人ホームでの死亡の割合", "nursing_home_death_share", "outcome"),
        ("人生会議（ACP）研修・講座の参加者数", "acp_training_participants", "output"),
    ]),
    (S.COLLABORATION_SYSTEM, "支援者どうしが気軽に相談でき、必要な情報が共有されている", [
        ("cs1", "在宅医療・介護連携支援センターによる専門職からの相談対応", ["medical"], ["office"], ["e"],
         "in_progress"),
        ("cs2", "医療・介護資源の一覧と地図（Renkei）の情報を年1回確かめる", ["office"], ["medical", "hcc"], ["a"],
         "in_progress"),
        ("cs3", "多職種研修の年間計画を関係団体と一緒につくる", ["medical"], ["dental", "pharma", "hcc"], ["f"],
         "done"),
        ("again", "dc5"),
        ("again", "ad5"),
    ], [
        ("連携情報を12か月以内に確認した事業所の割合", "details_confirmed_share", "output"),
        ("ICT連携ネットワークの登録者数", "ict_registered", "outcome"),
    ]),
    (S.INFECTION_DISASTER, "災害や感染症が広がったときも、必要な療養と介護が途切れない", [
        ("id1", "介護事業所の業務継続計画（BCP）づくりを支える", ["office"], ["swc"], ["c"], "in_progress"),
        ("id2", "個別避難計画に在宅療養者の医療的な必要を書き込む", ["office"], ["hcc", "cmo"], ["c"], "in_progress"),
        ("id3", "感染症が出た事業所へ応援職員を送る仕組み", ["health"], ["office", "swc"], ["c"], "planned"),
        ("id4", "停電時に医療機器（在宅酸素・人工呼吸器）を使う人の把握", ["vns"], ["medical", "office"], ["c"],
         "in_progress"),
    ], [
        ("業務継続計画（BCP）を策定した介護事業所の割合", "bcp_share", "outcome"),
    ]),
]

# Revision 2 (a draft, 令和8年度の見直し): what the compare screen shows.
REV2_SUMMARY = ("令和7年度の評価を受けた見直し案: 北部圏域でオンライン診療を組み合わせる試行を追加、"
                "救急医療情報キットと「もしものときシート」を一本化、交流会を年3回に、"
                "医療的ケア児者の短期入所は障害福祉計画へ移管。")
REV2_NEW_MEASURE = ("dc8", "北部圏域でオンライン診療と訪問看護を組み合わせる試行", ["medical"], ["vns", "office"],
                    ["c"], "planned")
REV2_TEXT_CHANGES = {
    "em1": "救急医療情報キットと「もしものときシート」を一本化し、配布と年1回の更新を呼びかける",
    "ad4": "病院の地域連携室と居宅介護支援事業所の交流会（年3回）",
}
REV2_DROPPED = "dc7"  # moved to the 障害福祉計画
REV2_MERGED = "em2"  # merged into em1: suspended
REV2_NEW_INDICATOR = (S.ADMISSION_DISCHARGE, "入院時に情報提供書を送ったケアマネジャーの割合（調査）", "output")

# --- councils --------------------------------------------------------------------------------------------

COUNCIL_NAME = "福知山市在宅医療・介護連携推進協議会"
WORKING_GROUPS = [
    ("入退院支援WG", "入退院支援ルールの運用と見直し、退院前カンファレンスの定着。", [S.ADMISSION_DISCHARGE]),
    ("看取り・ACP WG", "人生会議（ACP）の普及と、自宅・施設での看取りを支える体制づくり。", [S.END_OF_LIFE]),
]
AGENDA_TOPICS = {
    "council": [
        ("前回協議会の振り返りと各WGの報告", "各WGの進み具合を共有した。"),
        ("指標の状況（自宅死の割合・訪問診療を行う医療機関数）",
         "訪問診療を行う医療機関は横ばい。自宅死の割合は緩やかに上昇。"),
        ("ロジックモデルの中間評価", "急変時の対応の指標が目標に届いていない。原因を各WGで検討することとした。"),
        ("次年度の取組の方向性", "北部圏域の訪問体制を優先課題とすることで合意した。"),
        ("災害時の在宅療養者の支援", "停電時に医療機器を使う人の把握方法について、保健所から説明があった。"),
    ],
    "入退院支援WG": [
        ("入退院支援ルールの運用状況", "病院ごとに退院前カンファレンスの呼びかけ方に差がある。"),
        ("入院時情報提供書の様式", "様式の項目を減らし、ICTからも送れるようにする案で一致した。"),
        ("退院前カンファレンスの事例共有", "訪問看護が参加した事例では退院後の再入院が少ない印象との意見。"),
        ("ケアマネジャー調査の結果", "引き継ぎの割合は上がったが、短期入院では漏れが多い。"),
    ],
    "看取り・ACP WG": [
        ("人生会議（ACP）市民講座の振り返り", "参加者アンケートでは「家族と話すきっかけになった」が多かった。"),
        ("「わたしの想いノート」の改訂", "記入例を増やし、文字を大きくすることにした。"),
        ("介護施設での看取りの課題", "夜間の医師との連絡方法が施設ごとに違い、職員の不安が大きい。"),
        ("自宅での死亡の割合の推移", "目標に向けて上昇しているが、独居の方の看取りの支援が課題。"),
    ],
}
PLACES = ["福知山市役所 3階 大会議室", "福知山医師会館 会議室", "市民交流プラザふくちやま 会議室",
          "オンライン（Web会議）"]
DECISIONS = ["事務局案のとおり進める。", "次回までに各団体の意見をまとめる。", "WGで具体案をつくり協議会に報告する。",
             "結果を市のホームページで公表する。", "関係機関に文書で周知する。"]

# (title, scene, concepts, body key, description, status)
ISSUES = [
    ("短期入院の退院時に、在宅の支援者への引き継ぎが漏れる", S.ADMISSION_DISCHARGE, ["discharge_handoff_share"],
     "入退院支援WG", "入院期間が1週間未満の方で、ケアマネジャーへの連絡がないまま退院する例がある。", "addressed"),
    ("退院前カンファレンスに訪問看護・薬局が参加しにくい", S.ADMISSION_DISCHARGE, ["discharge_conferences"],
     "入退院支援WG", "開催の連絡が前日になることが多く、日程が合わない。", "open"),
    ("介護施設での看取りを支える夜間の連絡体制", S.END_OF_LIFE, ["nursing_home_death_share"], "看取り・ACP WG",
     "夜間に医師へ連絡する手順が施設ごとに異なり、救急搬送を選びがちになる。", "open"),
    ("人生会議（ACP）を話し合うきっかけが少ない", S.END_OF_LIFE, ["acp_training_participants", "home_death_share"],
     "看取り・ACP WG", "元気なうちに話し合っている市民は少ない。講座の参加者は年配の方に偏っている。", "addressed"),
    ("北部圏域で訪問診療が届きにくい", S.DAILY_CARE, ["outside_reach_share", "home_visit_clinics_per_100k_75"],
     "council", "北部・夜久野圏域は移動に時間がかかり、訪問診療を行う医療機関が少ない。", "open"),
    ("急変時の往診を受けられる患者が伸びない", S.EMERGENCY, ["urgent_visit_patients_per_1000", "nursing_24h_share"],
     "council", "往診を受けた患者数が目標を下回っている。24時間対応の訪問看護の偏りも一因。", "open"),
    ("介護事業所の業務継続計画（BCP）の策定が遅れている", S.INFECTION_DISASTER, ["bcp_share"], "council",
     "小規模な事業所で策定が進んでいない。", "closed"),
]

# (title, issue index, owner login handle, measure ref, state, days relative to today for the due date)
# state: done / open / in_progress / cancelled; a negative due date on an open action makes it overdue.
ACTIONS = [
    ("短期入院の方の退院連絡票をつくり、各病院に配る", 0, "discharge", "ad1", "done", -200),
    ("退院連絡票の使われ方を3病院で調べる", 0, "caremanager", "ad1", "in_progress", -12),
    ("ケアマネジャー調査（引き継ぎの割合）を集計する", 0, "coordinator", "ad2", "open", -25),
    ("退院前カンファレンスの開催連絡を3日前までに送るよう病院に依頼する", 1, "discharge", "ad3", "open", 30),
    ("訪問看護ステーション向けにカンファレンス参加の手引きをつくる", 1, "nurse", "ad3", "in_progress", 45),
    ("介護施設向け 夜間連絡の手順書の案をつくる", 2, "doctor", "eol4", "open", -8),
    ("施設職員向け看取り研修の日程を決める", 2, "coordinator", "eol4", "done", -150),
    ("若い世代向けの人生会議（ACP）講座を企画する", 3, "city", "eol1", "in_progress", 60),
    ("「わたしの想いノート」改訂版を印刷し、窓口に置く", 3, "city", "eol3", "done", -240),
    ("北部圏域の訪問にかかる時間を訪問看護ステーションから聞き取る", 4, "nurse", "dc6", "done", -90),
    ("北部圏域の訪問体制の案を協議会に出す", 4, "city", "dc6", "open", -18),
    ("24時間対応の訪問看護の相互支援について各ステーションの意向を聞く", 5, "nurse", "em4", "open", 20),
    ("後方支援病床の登録状況を医師会と確認する", 5, "coordinator", "em3", "in_progress", 15),
    ("BCPのひな形と記入例を事業所に配る", 6, "city", "id1", "done", -300),
    ("BCP未策定の事業所に個別に相談の機会を設ける", 6, "caremanager", "id1", "cancelled", -120),
]
