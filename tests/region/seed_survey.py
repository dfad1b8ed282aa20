"""An answer file of the 1,741 current municipalities that reproduces the 2015 national survey's published figures
(`../shared/seeds/001_*.txt`; written here as the figures, not copied files).

What it matches, and how:
- the item table exactly (implemented / planned / not per item, n=1,741);
- the distribution of the number of items implemented exactly (348/149/263/218/200/190/134/121/74/44; its
  Σ k·count = 4,325 equals the table's implemented total): each municipality is given its k, then a Gale–Ryser
  greedy gives the municipalities with the highest k first the items with the most implemented slots left;
  planned items go first to the 149 planning-only municipalities, then to the others on items they do not
  implement (never to the 348 that do nothing);
- 福井県 5.6, 滋賀県 5.5 and 岡山県 4.8 ranked first to third, supported 16 of 17, 18 of 19, 20 of 27;
- support overall among the 1,393 municipalities implementing or planning at least one item: あり 704 (50.5%),
  なし 689 (49.5%). The seed prints なし 690, one more than 1,393 − 704; 689 keeps both printed percentages;
- the (イ) stage 804/151/58 among the 1,013 that implement or plan (イ) (the seed's 79.4/14.9/5.7 % are of 1,013,
  not of the n=1,137 printed near the table);
- the (カ) contents 771/219/367 of the 890 that implement or plan (カ);
- Q.40/Q.42 as the seed's percentages of N=673 (counts chosen so that each rounds to the printed figure).
Population bands are not in the file (the seed gives only percentages for two items by band).
"""

from __future__ import annotations

import random

ITEM_KANA = "アイウエオカキク"
ITEM_TABLE = {  # kana: (implemented, planned, not implemented)
    "ア": (671, 374, 696), "イ": (763, 250, 728), "ウ": (331, 177, 1233), "エ": (439, 212, 1090),
    "オ": (380, 79, 1282), "カ": (675, 215, 851), "キ": (517, 245, 979), "ク": (549, 122, 1070),
}
ITEM_LINES = {  # the seed's lines, as the report must print them
    "ア": "（ア）地域の医療・介護の資源の把握 671 (38.5%) 374 (21.5%) 696 (40.0%) (n=1,741)",
    "イ": "（イ）在宅医療・介護連携の課題の抽出と対応策の検討 763 (43.8%) 250 (14.4%) 728 (41.8%) (n=1,741)",
    "ウ": "（ウ）切れ目のない在宅医療と在宅介護の提供体制の構築推進 331 (19.0%) 177 (10.2%) 1,233 (70.8%) (n=1,741)",
    "エ": "（エ）医療・介護関係者の情報共有の支援 439 (25.2%) 212 (12.2%) 1,090 (62.6%) (n=1,741)",
    "オ": "（オ）在宅医療・介護連携に関する相談支援 380 (21.8%) 79 (4.5%) 1,282 (73.6%) (n=1,741)",
    "カ": "（カ）医療・介護関係者の研修 675 (38.8%) 215 (12.3%) 851 (48.9%) (n=1,741)",
    "キ": "（キ）地域住民への普及啓発 517 (29.7%) 245 (14.1%) 979 (56.2%) (n=1,741)",
    "ク": "（ク）在宅医療・介護連携に関する関係市区町村の連携 549 (31.5%) 122 (7.0%) 1,070 (61.5%) (n=1,741)",
}
DISTRIBUTION = (348, 149, 263, 218, 200, 190, 134, 121, 74, 44)  # none, planned only, 1 … 7, all eight
DISTRIBUTION_PERCENTS = ("20.0", "8.6", "15.1", "12.5", "11.5", "10.9", "7.7", "7.0", "4.3", "2.5")
TOP_PREFECTURES = {  # code: (k of each municipality, supported, published average, share)
    "18": ([8, 8, 7, 7, 7, 6, 6, 6, 6, 6, 5, 5, 5, 4, 4, 3, 2], 16, "5.6", "94.1"),  # 福井県 17
    "25": ([8, 8, 7, 7, 7, 6, 6, 6, 6, 6, 6, 5, 5, 5, 4, 4, 4, 3, 1], 18, "5.5", "94.7"),  # 滋賀県 19
    "33": ([8, 8, 7, 7, 6, 6, 6, 6, 6, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 2, 2], 20, "4.8",
           "74.1"),  # 岡山県 27
}
SUPPORTED = 704
STAGES = (804, 151, 58)
CONTENTS = (771, 219, 367)
ANSWERED = 673
Q40_PERCENTS = ("38.9", "65.4", "52.0", "66.6", "41.5", "29.9", "42.2", "49.5", "44.7", "55.6", "58.5", "41.6",
                "46.7", "3.3", "1.3")
Q42_PERCENTS = ("59.4", "59.9", "44.1", "42.8", "63.7", "48.6", "59.3", "48.7", "3.0", "4.0")
SEED = 2015


def count_for(percent_text: str, n: int) -> int:
    """The count whose half-up percentage of n prints as `percent_text`."""
    from renkei.region.selectors.report import percent

    guess = round(float(percent_text) * n / 100)
    for count in (guess, guess - 1, guess + 1):
        if str(percent(count, n)) == percent_text:
            return count
    raise ValueError(f"no count of {n} prints {percent_text}%")


def _k_values(municipalities, rng) -> dict[int, int]:
    """{municipality pk: number implemented (−1: planning only, −2: nothing)}; the top three prefectures fixed."""
    pool = []
    for category, count in enumerate(DISTRIBUTION):
        pool += [category - 2 if category < 2 else category - 1] * count
    ks: dict[int, int] = {}
    for code, (values, _supported, _avg, _share) in TOP_PREFECTURES.items():
        members = [m for m in municipalities if m.prefecture.code == code]
        assert len(members) == len(values), (code, len(members))
        for municipality, k in zip(members, values, strict=True):
            ks[municipality.pk] = k
            pool.remove(k)
    rest = [m for m in municipalities if m.pk not in ks]
    rng.shuffle(pool)
    for municipality, k in zip(rest, pool, strict=True):
        ks[municipality.pk] = k
    return ks


def answers(municipalities) -> list[tuple[str, str, str]]:
    """(code, 取組, 回答) rows for the 1,741 municipalities (current, non-ward), matching the seed's figures."""
    assert len(municipalities) == 1741, len(municipalities)
    rng = random.Random(SEED)
    ks = _k_values(municipalities, rng)
    status = {m.pk: dict.fromkeys(ITEM_KANA, "N") for m in municipalities}
    left_i = {kana: figures[0] for kana, figures in ITEM_TABLE.items()}
    left_p = {kana: figures[1] for kana, figures in ITEM_TABLE.items()}
    order = sorted(municipalities, key=lambda m: (-ks[m.pk], m.code))
    for municipality in order:  # Gale–Ryser greedy: highest k first takes the items with most slots left
        k = ks[municipality.pk]
        if k <= 0:
            continue
        chosen = sorted(ITEM_KANA, key=lambda kana: (-left_i[kana], kana))[:k]
        assert all(left_i[kana] > 0 for kana in chosen), municipality.code
        for kana in chosen:
            status[municipality.pk][kana] = "I"
            left_i[kana] -= 1
    assert not any(left_i.values()), left_i
    planning_only = [m for m in municipalities if ks[m.pk] == -1]
    for municipality in planning_only:
        kana = max(ITEM_KANA, key=lambda k: (left_p[k], k))
        status[municipality.pk][kana] = "P"
        left_p[kana] -= 1
    others = [m for m in municipalities if ks[m.pk] >= 0 or ks[m.pk] == -1]
    for kana in ITEM_KANA:
        candidates = [m for m in others if status[m.pk][kana] == "N"]
        rng.shuffle(candidates)
        for municipality in candidates[:left_p[kana]]:
            status[municipality.pk][kana] = "P"
        left_p[kana] -= min(left_p[kana], len(candidates))
    assert not any(left_p.values()), left_p
    engaged = [m for m in municipalities if ks[m.pk] != -2]
    supported: set[int] = set()
    for code, (_values, count, _avg, _share) in TOP_PREFECTURES.items():
        members = [m for m in engaged if m.prefecture.code == code]
        supported |= {m.pk for m in members[:count]}
    rest = [m for m in engaged if m.prefecture.code not in TOP_PREFECTURES]
    rng.shuffle(rest)
    supported |= {m.pk for m in rest[:SUPPORTED - len(supported)]}
    stage_of: dict[int, str] = {}
    doing_b = sorted((m for m in municipalities if status[m.pk]["イ"] in "IP"),
                     key=lambda m: (status[m.pk]["イ"] != "I", m.code))
    assert len(doing_b) == sum(STAGES)
    stages = ["3"] * STAGES[2] + ["2"] * STAGES[1] + ["1"] * STAGES[0]
    for municipality, stage in zip(doing_b, stages, strict=True):
        stage_of[municipality.pk] = stage
    doing_f = [m for m in municipalities if status[m.pk]["カ"] in "IP"]
    assert len(doing_f) == 890
    contents: dict[int, list[str]] = {m.pk: [] for m in doing_f}
    for number, count in enumerate(CONTENTS, start=1):
        for municipality in rng.sample(doing_f, count):
            contents[municipality.pk].append(str(number))
    answering = rng.sample(engaged, ANSWERED)
    choices: dict[int, tuple[list[str], list[str]]] = {m.pk: ([], []) for m in answering}
    for side, percents in ((0, Q40_PERCENTS), (1, Q42_PERCENTS)):
        start = 0
        for number, text in enumerate(percents, start=1):
            count = count_for(text, ANSWERED)
            for i in range(count):  # consecutive blocks: every respondent gets at least one choice
                choices[answering[(start + i) % ANSWERED].pk][side].append(str(number))
            start += count
    phrase = {"I": "実施している", "P": "実施していないが年度内に実施予定", "N": "実施していない"}
    rows = []
    for municipality in municipalities:
        pk, code = municipality.pk, municipality.code
        first_done = next((k for k in ITEM_KANA if status[pk][k] in "IP"), None)
        for kana in ITEM_KANA:
            rows.append((code, kana, phrase[status[pk][kana]]))
        if pk in stage_of:
            rows.append((code, "イ段階", stage_of[pk]))
        if first_done:
            rows.append((code, f"{first_done}支援", "はい" if pk in supported else "いいえ"))
        for number in contents.get(pk, []):
            rows.append((code, "カ内容", number))
        q40, q42 = choices.get(pk, ([], []))
        rows += [(code, "問40", n) for n in q40]
        rows += [(code, "問42", n) for n in q42]
    return rows


def current_municipalities():
    from renkei.core.models import Municipality

    return list(Municipality.objects.filter(abolished_on__isnull=True, parent__isnull=True)
                .exclude(kind=Municipality.Kind.WARD).select_related("prefecture").order_by("code"))


def write_file(path) -> int:
    """Write the answer file (UTF-8, commas) for the loaded places; return its number of rows."""
    import csv

    rows = answers(current_municipalities())
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["市区町村コード", "取組", "回答"])
        writer.writerows(rows)
    return len(rows)
