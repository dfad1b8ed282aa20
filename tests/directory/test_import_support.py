"""Shared set-up for the importer tests: the 熊本市 place master, MHLW-layout writers, real data paths."""

import os
from pathlib import Path

import pytest

from renkei.core.models import Municipality

from ..factories import MunicipalityFactory, PrefectureFactory


def _shared_data() -> Path:
    """../shared/data beside the checkout; RENKEI_SHARED_DATA or the workplace's copy when checked out elsewhere."""
    candidates = [os.environ.get("RENKEI_SHARED_DATA", ""), Path(__file__).resolve().parents[3] / "shared" / "data",
                  "/work/shared/data"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return Path(candidates[1])


DATA = _shared_data()
KUMAMOTO = DATA / "municipal" / "kumamoto-city"
WARDS = ["中央区", "東区", "西区", "南区", "北区"]


def real_file(name: str) -> Path:
    path = KUMAMOTO / name
    if not path.exists():
        pytest.skip(f"real data file missing: {path}")
    return path


def make_kumamoto():
    """熊本市 (431001, a designated city) and its five wards 中央区 431010 … 北区 431052."""
    prefecture = PrefectureFactory(code="43", name="熊本県", kana="クマモトケン")
    city = MunicipalityFactory(jis_code="43100", name="熊本市", kana="クマモトシ", prefecture=prefecture,
                               kind=Municipality.Kind.DESIGNATED_CITY)
    for number, ward in enumerate(WARDS, start=1):
        MunicipalityFactory(jis_code=f"4310{number}", name=f"熊本市{ward}", prefecture=prefecture,
                            kind=Municipality.Kind.WARD, parent=city)
    return city


DAYS = "月火水木金土日"
LAT, LON = "所在地座標（緯度）", "所在地座標（経度）"
BED_COLUMNS = ["一般病床", "療養病床", "療養病床のうち医療保険適用", "療養病床のうち介護保険適用", "精神病床",
               "結核病床", "感染症病床", "合計病床数"]


def facility_header(beds: bool = True) -> list[str]:
    """The MHLW hospital / clinic facility file header, in its published order."""
    header = ["ID", "正式名称", "正式名称（フリガナ）", "略称", "略称（フリガナ）", "英語表記（ローマ字表記）",
              "機関区分", "都道府県コード", "市区町村コード", "所在地", LAT, LON, "案内用ホームページアドレス"]
    header += [f"毎週決まった曜日に休診（{d}）" for d in DAYS]
    header += [f"決まった週に休診（定期週）第{n}週（{d}）" for n in range(1, 6) for d in DAYS]
    header += ["祝日に休診", "その他の休診日（gw、お盆等）"]
    return header + (BED_COLUMNS if beds else [])


def hours_header() -> list[str]:
    header = ["ID", "診療科目コード", "診療科目名", "診療時間帯"]
    for d in DAYS + "祝":
        header += [f"{d}_診療開始時間", f"{d}_診療終了時間", f"{d}_外来受付開始時間", f"{d}_外来受付終了時間"]
    return header


def facility_row(mhlw_id, name, address, *, lat="32.80", lon="130.70", kana="テスト", city_code="101",
                 prefecture_code="43", closed=("日",), holiday_flag="0", other="", beds=None, website=""):
    row = {"ID": mhlw_id, "正式名称": name, "正式名称（フリガナ）": kana, "機関区分": mhlw_id[2],
           "都道府県コード": prefecture_code, "市区町村コード": city_code, "所在地": address, LAT: lat, LON: lon,
           "案内用ホームページアドレス": website, "祝日に休診": holiday_flag, "その他の休診日（gw、お盆等）": other}
    for d in DAYS:
        row[f"毎週決まった曜日に休診（{d}）"] = "0" if d in closed else "1"
    for column, value in (beds or {}).items():
        row[column] = str(value)
    return row


def write_mhlw(path: Path, header: list[str], rows: list[dict]) -> Path:
    """Every field quoted except the two coordinates; CRLF; UTF-8 (the published form)."""
    bare = {LAT, LON}

    def line(values, quote_all=False):
        return ",".join(v if (not quote_all and h in bare) else '"' + v.replace('"', '""') + '"'
                        for h, v in zip(header, values, strict=True))

    text = line(header, quote_all=True) + "\r\n"
    for row in rows:
        text += line([row.get(h, "") for h in header]) + "\r\n"
    path.write_bytes(text.encode("utf-8"))
    return path
