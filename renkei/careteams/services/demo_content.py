"""Texts of the careteams demo: synthetic patients whose names say they are invented (見本, 試作, 架空), their
conditions, wishes and the team's posts. Nothing here describes a real person."""

# name, kana, birth (y, m, d), sex, care level, living situation, daily-living-area index, main conditions, allergies
PATIENTS = [
    ("見本 太郎", "ミホン タロウ", (1936, 5, 12), "male", "care_4", "elderly_only", 0,
     "慢性心不全、2型糖尿病", "ペニシリン系抗菌薬"),
    ("見本 花子", "ミホン ハナコ", (1939, 11, 3), "female", "care_3", "alone", 0,
     "アルツハイマー型認知症、骨粗鬆症", ""),
    ("試作 一郎", "シサク イチロウ", (1942, 2, 20), "male", "care_5", "with_family", 1,
     "筋萎縮性側索硬化症（在宅人工呼吸なし）、胃ろう", ""),
    ("試作 さくら", "シサク サクラ", (1931, 3, 30), "female", "care_2", "alone", 2,
     "慢性閉塞性肺疾患（在宅酸素）", "造影剤"),
    ("架空 次郎", "カクウ ジロウ", (1945, 8, 8), "male", "care_3", "elderly_only", 3,
     "膵がん（緩和ケア）", ""),
    ("架空 春子", "カクウ ハルコ", (1934, 4, 1), "female", "care_1", "with_family", 1,
     "パーキンソン病", "卵"),
    ("見本 三郎", "ミホン サブロウ", (1940, 12, 24), "male", "care_4", "alone", 4,
     "脳梗塞後遺症（左片麻痺）、高血圧", ""),
    ("試作 夏美", "シサク ナツミ", (1950, 7, 7), "female", "care_2", "with_family", 0,
     "乳がん骨転移（緩和ケア）", ""),
    ("架空 秋雄", "カクウ アキオ", (1929, 10, 10), "male", "care_5", "elderly_only", 2,
     "老衰、誤嚥性肺炎の既往", ""),
    ("見本 冬子", "ミホン フユコ", (1933, 1, 15), "female", "care_3", "facility", 5,
     "慢性腎臓病、心房細動", "ヨード"),
]

KEY_PEOPLE = [("長男", "child"), ("妻", "spouse"), ("長女", "child"), ("夫", "spouse"), ("姪", "relative")]

MEDICATIONS = [
    "フロセミド錠20mg 朝1錠\nエンパグリフロジン錠10mg 朝1錠\nビソプロロール錠2.5mg 朝1錠",
    "ドネペジル錠5mg 朝1錠\nアレンドロン酸錠35mg 週1回（月曜）",
    "胃ろうより: エンシュアH 1日3回\nリルゾール錠50mg 1日2回",
    "チオトロピウム吸入 1日1回\n在宅酸素 安静時1L/分、労作時2L/分",
    "オキシコドン徐放錠10mg 1日2回\nレスキュー: オキシコドン散2.5mg 1回1包\nマグネシウム製剤",
    "レボドパ・カルビドパ錠 1日3回\nアマンタジン錠50mg 朝1錠",
    "アムロジピン錠5mg 朝1錠\nクロピドグレル錠75mg 朝1錠",
    "ロキソプロフェン錠60mg 1日3回\nデノスマブ皮下注 4週ごと",
    "酸化マグネシウム錠330mg 1日2回",
    "アピキサバン錠2.5mg 1日2回\n球形吸着炭 1日3回",
]

ACP = [
    ("本人は「できるだけ家で過ごしたい、機械につながれた延命は望まない」と話した。妻も同意。",
     "本人、妻、長男、主治医、訪問看護師", "自宅の居間の引き出し（人生会議ノート）"),
    ("本人の意思は確認が難しく、長男が本人の以前の言葉（「入院はいや」）を伝えた。", "長男、主治医、ケアマネジャー",
     "居宅介護支援事業所の記録"),
    ("呼吸が苦しくなったときの気管切開・人工呼吸器は望まないと本人が文字盤で伝えた。",
     "本人、妻、主治医、訪問看護師、ケアマネジャー", "主治医の診療録、自宅のファイル"),
]

# Wishes per version: (resuscitation, transfer, place of death); the last one is the current.
WISH_HISTORY = [
    [("undecided", "yes", "undecided"), ("no", "yes", "home"), ("no", "no", "home")],
    [("undecided", "yes", "undecided"), ("no", "yes", "facility")],
    [("no", "yes", "home"), ("no", "no", "home")],
    [("yes", "yes", "hospital")],
    [("undecided", "yes", "home"), ("no", "no", "home")],
    [("yes", "yes", "undecided")],
    [("no", "yes", "hospital")],
    [("no", "no", "home"), ("no", "no", "home")],
]

DOCTOR_ORDER = "心肺停止時は心肺蘇生を行わない（DNAR）。まず主治医に連絡すること。"

# Timeline: (kind, urgency, text, observations)
POSTS = [
    ("observation", "normal", "訪問しました。食事は半量、水分は1日800mL程度。",
     {"temperature": 36.6, "bp_systolic": 128, "bp_diastolic": 74, "pulse": 72, "spo2": 96}),
    ("note", "normal", "デイサービスでの入浴は問題なく終わりました。", {}),
    ("observation", "important", "下肢のむくみが増えています。体重が1週間で1.5kg増加。",
     {"temperature": 36.9, "bp_systolic": 142, "bp_diastolic": 86, "pulse": 88, "spo2": 94}),
    ("medication", "important", "利尿薬を増量しました（フロセミド20mg→40mg）。明日の体重を教えてください。",
     {"medication": "フロセミド 40mg 朝"}),
    ("note", "normal", "ご家族より、夜間のトイレ介助が大変とのこと。ショートステイの利用を相談します。", {}),
    ("observation", "urgent", "38.4℃の発熱、SpO2 90%。主治医に連絡し往診依頼済み。",
     {"temperature": 38.4, "bp_systolic": 118, "bp_diastolic": 62, "pulse": 104, "spo2": 90, "respiration": 24}),
    ("note", "normal", "往診しました。誤嚥性肺炎の疑い。抗菌薬を開始し、自宅で経過をみます。", {}),
    ("observation", "normal", "解熱しました。食事は全粥を7割摂取。",
     {"temperature": 36.8, "spo2": 95, "meals": "全粥7割"}),
    ("note", "normal", "福祉用具（特殊寝台）の変更を手配しました。", {}),
    ("message", "normal", "担当者会議を来週水曜14時に自宅で行います。ご都合をお知らせください。", {}),
    ("observation", "normal", "ADL: 端座位保持は可能、移乗は一部介助。", {"adl": "移乗一部介助"}),
    ("note", "important", "服薬カレンダーの飲み残しが増えています。薬剤師の訪問を依頼しました。", {}),
]

DEATH_NOTES = ["ご家族に見守られ、自宅で穏やかに永眠。訪問診療医が死亡確認。",
               "自宅療養を希望されていたが、夜間の急変で救急搬送され入院先で永眠。",
               "入所中の施設で永眠。希望の記録はなかった。"]
