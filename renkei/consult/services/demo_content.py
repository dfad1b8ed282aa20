"""The texts and distributions of the desk demo (`demo.py`): invented questions and answers, no real person.

Weights follow what desks report in their yearly summaries (research: anchors §オ): care managers ask most, by
phone most; finding a doctor who visits, arranging services and discharges are the commonest topics.
"""

from __future__ import annotations

DESK_NAME = "福知山市 在宅医療・介護連携相談窓口（デモ）"
OPENING_HOURS = "平日 8:30〜17:15（年末年始を除く）"

# (requester kind, weight): care managers most, then hospitals, families and support centers.
REQUESTERS = [
    ("care_manager", 36), ("hospital", 13), ("community_support_center", 10), ("visiting_nursing", 8),
    ("family", 9), ("clinic", 6), ("care_service", 6), ("resident", 5), ("pharmacy", 3), ("dental_clinic", 2),
    ("other_professional", 2),
]
# (channel, weight): phone most.
CHANNELS = [("phone", 64), ("fax", 9), ("email", 9), ("visit", 10), ("outreach", 6), ("other", 2)]

# requester kind → (directory facility kind, service types or None for any, professions to draw from)
REQUESTER_PLACES = {
    "care_manager": ("care_service", ["430"], ["care_manager"]),
    "community_support_center": ("community_support_center", None,
                                 ["social_worker", "public_health_nurse", "care_manager"]),
    "hospital": ("hospital", None, ["discharge_nurse", "medical_social_worker", "discharge_nurse"]),
    "clinic": ("clinic", None, ["doctor", "nurse"]),
    "dental_clinic": ("dental_clinic", None, ["dentist", "dental_hygienist"]),
    "pharmacy": ("pharmacy", None, ["pharmacist"]),
    "visiting_nursing": ("visiting_nursing_station", None, ["visiting_nurse"]),
    "care_service": ("care_service", ["110", "150", "730", "210"], ["care_worker", "home_helper"]),
    "other_professional": (None, None, ["welfare_commissioner", "community_life_coordinator"]),
}
OTHER_ORGANIZATIONS = ["福知山市社会福祉協議会", "民生委員児童委員協議会（架空）", "地区の見守りボランティア（架空）"]

# (topic code, weight) by requester group: professionals and residents ask about different things.
TOPICS_PROFESSIONAL = [
    ("find_home_doctor", 16), ("discharge_coordination", 14), ("home_services", 11), ("collaboration", 8),
    ("medication", 6), ("medical_procedures", 6), ("emergency_response", 6), ("dementia_support", 6),
    ("placement", 5), ("death_at_home", 5), ("admission_information", 4), ("dental_oral", 4), ("acp", 4),
    ("backup_beds", 3), ("systems_costs", 3), ("family_burden", 2), ("other", 2),
]
TOPICS_RESIDENT = [
    ("find_home_doctor", 14), ("family_burden", 12), ("systems_costs", 10), ("death_at_home", 9),
    ("home_services", 8), ("acp", 8), ("dementia_support", 8), ("placement", 7), ("discharge_coordination", 6),
    ("medication", 4), ("emergency_response", 4), ("dental_oral", 3), ("other", 3),
]
# A topic without a scene of its own is counted under the plan's collaboration block or none.
SCENE_OF_SCENELESS = {"collaboration": "collaboration_system"}
# A second topic that often comes with the first.
SECOND_TOPICS = {
    "discharge_coordination": "home_services", "find_home_doctor": "death_at_home", "death_at_home": "acp",
    "dementia_support": "family_burden", "medical_procedures": "home_services", "placement": "systems_costs",
    "emergency_response": "acp", "medication": "collaboration",
}

QUESTIONS = {
    "find_home_doctor": [
        "通院が難しくなった利用者について、{area}で訪問診療をしてくれる医師を探している。",
        "主治医が高齢で往診をやめることになった。引き継いでくれる在宅医を紹介してほしい。",
        "退院後は訪問診療を希望している。自宅近くで対応できる診療所を知りたい。",
    ],
    "home_services": [
        "退院後に訪問看護と訪問リハビリを入れたいが、空きのある事業所がわからない。",
        "夜間も対応できる訪問看護ステーションを探している。",
        "インスリン注射の管理のため、訪問看護の導入を検討している。",
    ],
    "medication": [
        "独居で飲み忘れが多い。訪問で服薬管理をしてくれる薬局はあるか。",
        "複数の医療機関から薬が出ており、重複がないか確認したい。",
    ],
    "dental_oral": [
        "食事中のむせが増えた。訪問歯科で嚥下の評価をしてくれるところを知りたい。",
        "入れ歯が合わず食事量が減っている。訪問歯科診療の頼み方を知りたい。",
    ],
    "medical_procedures": [
        "胃ろうのある方の在宅療養を始めるにあたり、必要な準備と関係機関を知りたい。",
        "在宅酸素を使う利用者のデイサービス利用について、注意点を相談したい。",
        "褥瘡ができはじめている。皮膚・排泄ケア認定看護師に相談できる窓口はあるか。",
    ],
    "dementia_support": [
        "認知症の症状が進み、服薬や金銭管理が難しくなっている。医療につなぐ方法を相談したい。",
        "受診を拒む認知症の方について、認知症初期集中支援チームにつなぎたい。",
    ],
    "discharge_coordination": [
        "来週退院予定の方について、病院から急に連絡があった。在宅での受け入れ体制を相談したい。",
        "退院前カンファレンスの開き方と、誰に声をかければよいかを知りたい。",
        "医療依存度が高い患者の退院調整で、在宅側の受け皿が見つからない。",
    ],
    "admission_information": [
        "入院時情報提供書の様式と送り先を確認したい。",
        "急な入院で担当ケアマネジャーが不在。病院へ情報を伝える方法を相談したい。",
    ],
    "placement": [
        "自宅での介護が難しくなってきた。入所できる施設や待機の状況を知りたい。",
        "医療処置があっても受け入れてくれる施設を探している。",
    ],
    "emergency_response": [
        "夜間に急変したとき、家族がどこに連絡すればよいか整理したい。",
        "救急搬送時に本人の意向を伝える方法（救急医療情報キット等）を知りたい。",
    ],
    "backup_beds": [
        "在宅療養中の方が急変したときに入院できる後方支援病床について知りたい。",
        "レスパイト入院を受けてくれる病院を探している。",
    ],
    "death_at_home": [
        "自宅で最期を迎えたいという希望がある。看取りまで対応できる体制を整えたい。",
        "家族が自宅での看取りに不安を感じている。どのような支援があるか知りたい。",
    ],
    "acp": [
        "本人と家族の考えが違い、今後の療養場所が決められない。人生会議の進め方を相談したい。",
        "人生会議のパンフレットや、話し合いの記録の残し方を知りたい。",
    ],
    "collaboration": [
        "主治医と連絡を取るよい方法（時間帯、FAX、ICT）を知りたい。",
        "薬局と訪問看護で情報共有の方法を決めたい。連携の事例を教えてほしい。",
        "医療職との連携に苦手意識がある。相談先や研修があれば知りたい。",
    ],
    "systems_costs": [
        "訪問診療と往診の費用の違い、医療保険と介護保険の使い分けを知りたい。",
        "高額療養費や負担限度額の手続きについて知りたい。",
    ],
    "family_burden": [
        "介護している家族が疲れている。短期入所や相談できる場所を知りたい。",
        "遠方の家族が介護の方針を決められず困っている。相談に乗ってほしい。",
    ],
    "other": [
        "在宅医療・介護連携支援センターで何を相談できるか知りたい。",
        "地域の医療・介護資源の一覧表がほしい。",
    ],
}
SUBJECTS = [
    "80代女性、独居、要介護2", "90代男性、妻と二人暮らし、要介護3", "70代男性、独居、要支援2",
    "80代男性、長男と同居、要介護4", "80代女性、夫と二人暮らし、要介護1", "60代男性、がん末期、要介護2",
    "90代女性、娘と同居、要介護5", "70代女性、認知症、要介護1", "80代男性、在宅酸素、要介護3",
]

INFORMATION_NOTES = {
    "default": ["制度と手順を説明し、関係機関の連絡先を伝えた。", "状況を聞き取り、考えられる選択肢を整理して伝えた。",
                "過去の同様の事例を踏まえて、進め方を助言した。"],
    "find_home_doctor": ["訪問診療の依頼方法と、主治医意見書・診療情報提供書が必要なことを説明した。"],
    "discharge_coordination": ["入退院支援ルールに沿った連絡の流れを説明し、病院の地域連携室の担当者を伝えた。"],
    "acp": ["人生会議の進め方と、市のリーフレット「もしものときのために」を紹介した。"],
    "death_at_home": ["看取りまでの流れと、訪問診療・訪問看護・介護の役割分担を説明した。"],
    "systems_costs": ["医療保険と介護保険の給付の違い、負担軽減の制度と窓口を説明した。"],
}
RESOURCE_NOTES = {
    "find_home_doctor": "訪問診療の新規受け入れ可（名簿の連携情報より）",
    "home_services": "空き状況を確認のうえ紹介",
    "medication": "訪問服薬指導に対応",
    "dental_oral": "訪問歯科診療・嚥下評価に対応",
    "placement": "入所の相談先として紹介",
    "backup_beds": "後方支援病床として登録あり",
    "dementia_support": "家族の相談先として紹介",
    "family_burden": "介護者の休息のために紹介",
    "death_at_home": "看取りまで対応",
}
# topic → (directory facility kind, service types or None) of the resources the desk suggests
RESOURCE_KINDS = {
    "find_home_doctor": ("clinic", None), "death_at_home": ("clinic", None),
    "home_services": ("visiting_nursing_station", None), "medical_procedures": ("visiting_nursing_station", None),
    "medication": ("pharmacy", None), "dental_oral": ("dental_clinic", None),
    "placement": ("care_service", ["510", "520", "320", "730"]), "backup_beds": ("hospital", None),
    "dementia_support": ("informal_resource", ["dementia_cafe"]),
    "family_burden": ("care_service", ["210", "150", "730"]),
}
REFERRALS = ["福知山市役所 高齢者福祉課", "京都府中丹西保健所", "認知症初期集中支援チーム", "成年後見センター（架空）"]
MEETING_NOTES = ["サービス担当者会議に同席し、訪問診療医と訪問看護の役割分担を確認した。",
                 "退院前カンファレンスの開催を病院に依頼し、在宅側の参加者を調整した。",
                 "本人・家族と関係者で話し合う場を設け、今後の療養場所を確認した。"]
FOLLOW_UP_NOTES = ["電話で経過を確認。紹介先とつながり、サービスが始まった。", "紹介先からの連絡を確認した。",
                   "相談者に電話し、その後の状況を聞き取った。困りごとは解消していた。"]
OPEN_NOTES = ["紹介先からの返事待ち。", "家族の意向を確認中。", "関係機関と調整中。"]
OUTCOMES = [("resolved", 54), ("referred", 25), ("meeting", 8), ("continuing", 7), ("withdrawn", 3),
            ("not_resolved", 3)]
OUTCOME_NOTES = {
    "resolved": "情報提供で解決。", "referred": "紹介先につながった。", "meeting": "話し合いの場で方針が決まった。",
    "continuing": "地域包括支援センターに引き継ぎ、継続して支援。", "withdrawn": "相談者から取り下げの連絡。",
    "not_resolved": "受け入れ先が見つからず、解決に至らなかった。",
}
# (days to close, weight): most the same day or within a week, a few long ones.
DURATIONS = [(0, 30), (1, 12), (2, 8), (3, 6), (5, 7), (7, 6), (10, 6), (14, 6), (21, 5), (28, 4), (45, 4), (60, 3),
             (90, 2), (120, 1)]

# Cases that raised an issue for the council: (topic, council key, issue title, scene, description, months ago).
# A council key of None links the case to the PDCA demo's existing issue of that title instead.
RAISED_ISSUES = [
    ("admission_information", "入退院支援WG", "身寄りのない独居の方の入院時に、情報提供と意思確認が遅れる",
     "admission_discharge",
     "相談窓口に、身寄りのない独居の方の急な入院で、病院に本人の情報や意向が伝わらない相談が続いた。", 9),
    ("emergency_response", "council", "急変時に本人の意向が救急隊・搬送先に伝わらない", "emergency",
     "人生会議で在宅での看取りを希望していた方が、急変時に意向が伝わらず搬送された事例の相談があった。", 6),
    ("medication", "council", "独居高齢者の服薬管理を支える薬局との連携の仕組みがない", "daily_care",
     "飲み忘れや重複処方の相談が多く、訪問薬剤管理につなぐ流れが関係者に知られていない。", 4),
    ("find_home_doctor", None, "北部圏域で訪問診療が届きにくい", "daily_care", "", 3),
]
RAISED_NOTE = "同様の相談が続いているため、協議会の課題として提起した。"
