"""The texts and plans of the training and awareness demo (`demo.py`). Names are invented."""

from __future__ import annotations

INSTRUMENT_CODE = "renkei-collaboration-short"
SERIES_TITLE = "多職種連携研修 入退院支援編"
SERIES_DESCRIPTION = ("入退院支援ルールの運用を、病院・ケアマネジャー・訪問看護・薬局の立場から学び、事例で練習する"
                      "3回シリーズ。各回の前後で同じ設問に答えていただきます（デモ）。")
SESSIONS = [  # (days before the demo is built, title, place, online)
    (63, "第1回 入退院支援ルールと連絡の流れ", "福知山医師会館 研修室", False),
    (35, "第2回 退院前カンファレンスの進め方（グループワーク）", "福知山市民会館 会議室", False),
    (14, "第3回 急変時の対応と再入院を防ぐ工夫（事例検討）", "福知山医師会館 研修室（オンライン併用）", True),
]
VIDEO_URL = "https://meet.example.com/renkei-demo-training"

# The earlier series, for attendance over the years: (fiscal years back, title, kind, sessions, registrations).
PAST_SERIES = [
    (2, "多職種連携研修 看取り編", "lecture", 2, 34),
    (1, "事例検討会 認知症の人の在宅療養", "case_conference", 3, 31),
]

# Who registers (40): many care managers and nurses, few doctors, no dentist or dental hygienist — the reach
# shows who the training does not reach.
PROFESSIONS = [
    ("care_manager", 12), ("visiting_nurse", 6), ("discharge_nurse", 4), ("nurse", 3), ("pharmacist", 3),
    ("care_worker", 3), ("medical_social_worker", 2), ("physical_therapist", 2), ("social_worker", 2),
    ("doctor", 2), ("home_helper", 1),
]
# profession → (directory facility kind, service types or None)
PROFESSION_PLACES = {
    "care_manager": ("care_service", ["430"]), "visiting_nurse": ("visiting_nursing_station", None),
    "discharge_nurse": ("hospital", None), "nurse": ("hospital", None), "medical_social_worker": ("hospital", None),
    "pharmacist": ("pharmacy", None), "care_worker": ("care_service", ["150", "510", "730"]),
    "physical_therapist": ("care_service", ["160"]), "social_worker": ("community_support_center", None),
    "doctor": ("clinic", None), "home_helper": ("care_service", ["110"]),
}
# Demo logins who registered themselves (their own membership): handle → profession.
MEMBER_PARTICIPANTS = {"caremanager": "care_manager", "nurse": "visiting_nurse", "discharge": "discharge_nurse",
                       "doctor": "doctor"}

# The differences each item shows over the 30 pairs: (up, down) — the rest unchanged; an up is +1, or +2 for
# `big` of them. Keyed by the built-in instrument's subscale and position. Built so that the paired Wilcoxon test
# finds an effect where the training taught (入退院支援, 急変時, 地域の資源, 他職種の役割) and none where one evening
# cannot change much (話し合う機会, 顔の見える関係, 看取り).
PAIRS = 30
PRE_ONLY, POST_ONLY = 3, 3
ITEM_CHANGES = [  # (up, down, big ups, usual answer before)
    (15, 3, 2, 2),  # 他職種の役割の理解
    (6, 6, 0, 2),  # 顔の見える関係
    (7, 6, 0, 2),  # 顔の見える関係（考え方や人柄）
    (6, 5, 0, 3),  # 相談できる関係
    (22, 1, 6, 1),  # 入退院支援
    (19, 2, 4, 2),  # 急変時の対応
    (5, 5, 0, 2),  # 看取り
    (16, 2, 3, 2),  # 地域の資源
    (5, 5, 0, 2),  # 話し合う機会
]
TEXT_ANSWERS = [
    "病院の退院支援看護師と顔見知りになれた。退院前の連絡を早めにもらうよう相談したい。",
    "入退院支援ルールの連絡票を事業所で使ってみる。",
    "急変時の連絡先を利用者ごとに整理しておきたい。",
    "他の職種の考え方がわかった。話し合う機会がもっとほしい。",
    "薬局にも退院前カンファレンスの連絡がほしいと伝えたい。",
    "",
]

NEVER_REACHED_AREA = "夜久野圏域"
# Awareness by fiscal year back (2, 1, 0 = this one): (kind, themes, month, day, title, area, place, audience,
# capacity, attendance or copies). An empty area is the whole city (the bulletin).
AWARENESS = [
    ("public_lecture", ["acp"], 11, 12, "市民公開講座「人生会議 〜大切な人と話しておきたいこと〜」", "中央圏域",
     "福知山市厚生会館 大ホール", "市民", 300, 142),
    ("outreach_lecture", ["family_doctor"], 7, 3, "出前講座「かかりつけ医をもちましょう」", "東部圏域", "東部公民館",
     "老人クラブ", 40, 28),
    ("outreach_lecture", ["family_doctor"], 9, 18, "出前講座「かかりつけ医をもちましょう」", "大江圏域",
     "大江町総合会館", "地区のサロン", 40, 22),
    ("article", ["end_of_life"], 2, 1, "広報ふくちやま特集「住み慣れた家で最期まで ― 在宅での看取り」", "",
     "広報ふくちやま 2月号", "全世帯", None, 33500),
    ("public_lecture", ["acp", "end_of_life"], 10, 21, "市民公開講座「自分らしい最期を考える ― 人生会議と看取り」",
     "中央圏域", "福知山市民会館 大ホール", "市民", 300, 168),
    ("outreach_lecture", ["family_doctor", "home_care"], 6, 14, "出前講座「かかりつけ医と在宅医療」", "西部圏域",
     "西部ふれあいセンター", "民生委員・地域住民", 50, 31),
    ("outreach_lecture", ["family_doctor"], 8, 23, "出前講座「かかりつけ医をもちましょう」", "北部圏域",
     "北部地区公民館", "老人クラブ", 40, 17),
    ("leaflet", ["acp"], 12, 1, "リーフレット「もしものときのために ― 人生会議」", "北部圏域",
     "北部地域包括支援センター窓口・民生委員の訪問", "65歳以上の市民", None, 1200),
    ("public_lecture", ["acp"], 11, 8, "市民公開講座「人生会議 ― もしものときのために話し合おう」", "中央圏域",
     "福知山市厚生会館 大ホール", "市民", 300, 155),
    ("outreach_lecture", ["family_doctor"], 5, 20, "出前講座「かかりつけ医をもちましょう」", "三和圏域",
     "三和町保健福祉センター", "地区のサロン", 40, 24),
    ("outreach_lecture", ["home_care", "dementia"], 7, 9, "出前講座「認知症になっても家で暮らす」", "東部圏域",
     "東部公民館", "認知症カフェの参加者", 30, 19),
    ("article", ["end_of_life", "acp"], 9, 1, "広報ふくちやま「在宅での看取り ― 家族の体験から」", "",
     "広報ふくちやま 9月号", "全世帯", None, 33200),
]
AWARENESS_YEARS = [2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0]  # the fiscal year back of each row above
UPCOMING = [  # (months ahead, kind, themes, title, area, place, audience, capacity)
    (1, "public_lecture", ["acp"], "市民公開講座「人生会議 ― 家族と話すはじめの一歩」", "中央圏域",
     "福知山市厚生会館 大ホール", "市民（どなたでも）", 300),
    (2, "outreach_lecture", ["acp"], "出前講座「人生会議ってなあに？」", "三和圏域", "三和町保健福祉センター",
     "地区のサロン・どなたでも", 40),
]
HOW_TO_JOIN = "申込不要・参加無料。当日会場へお越しください。"
CONTACT = "福知山市 高齢者福祉課（在宅医療・介護連携）0773-00-0000（デモ）"
DESCRIPTIONS = {
    "public_lecture": "在宅医療に携わる医師・看護師による講演と、参加者どうしの話し合い（デモ）。",
    "outreach_lecture": "在宅医療・介護連携支援センターの職員が地域に出向いてお話しします（デモ）。",
    "article": "市の広報紙での特集記事（デモ）。",
    "leaflet": "人生会議の進め方と記入用シートのリーフレット（デモ）。",
}
COMMENTS = ["家族と話してみようと思った。", "かかりつけ医に相談してみる。", "難しい話だったがわかりやすかった。",
            "もっと早く知りたかった。", "夫と一緒に聞きたい。", "", "", "", ""]
