"""A small region world: 京都府 with four municipalities (a small town among them), its office and a 保健所 whose
jurisdiction is three of them (中丹 area), a neighbouring prefecture (滋賀県) with one municipality and its own
staff, members of every role, and the population of each municipality for two fiscal years.

Implementation answers are written through `renkei.region.services.implementation.implementation_save` (the
helper `answer()` below) so that tests see the same rows and audit entries as the screens.
"""

from __future__ import annotations

from dataclasses import dataclass

from renkei.core.models import AreaGroup, Membership, Municipality, Organization, Prefecture, Role
from renkei.region.models import HealthCenterArea, ItemStatus
from renkei.region.services.implementation import ItemAnswer, implementation_save
from renkei.region.services.population import PopulationRow, population_record
from tests.factories import (
    AreaGroupFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    PrefectureFactory,
)

FY = 2025  # the world's current survey year; FY - 1 is the year before
POPULATION = {  # jis code: (total, aged 75+)
    "26201": (76_000, 12_500),  # 福知山市: 5万人以上10万人未満
    "26202": (79_000, 13_900),  # 舞鶴市
    "26203": (31_000, 6_800),  # 綾部市: 2万人以上5万人未満
    "26463": (2_000, 560),  # 伊根町: 1万人未満
    "25201": (345_000, 48_000),  # 大津市 (滋賀県): 20万人以上50万人未満
}


@dataclass
class World:
    kyoto: Prefecture
    shiga: Prefecture
    fukuchiyama: Municipality
    maizuru: Municipality
    ayabe: Municipality
    ine: Municipality  # a small town (under 10,000)
    otsu: Municipality  # another prefecture's
    chutan: AreaGroup  # 中丹医療圏: 福知山, 舞鶴, 綾部
    prefecture_office: Organization
    health_center: Organization
    official: Membership  # municipal staff of 福知山市
    coordinator: Membership  # a coordinator of 福知山市 (the medical association)
    neighbour_official: Membership  # municipal staff of 舞鶴市
    small_town_official: Membership  # municipal staff of 伊根町
    prefecture: Membership  # 京都府's office
    health_center_staff: Membership  # 京都府中丹西保健所 (prefecture staff of a 保健所)
    other_prefecture: Membership  # 滋賀県's office
    other_official: Membership  # municipal staff of 大津市
    professional: Membership  # a doctor at a 福知山 clinic
    admin: Membership

    @property
    def kyoto_municipalities(self) -> list[Municipality]:
        return [self.fukuchiyama, self.maizuru, self.ayabe, self.ine]


def build_world(*, population: bool = True) -> World:
    kyoto = PrefectureFactory(code="26", name="京都府", kana="キョウトフ")
    shiga = PrefectureFactory(code="25", name="滋賀県", kana="シガケン")
    fukuchiyama = MunicipalityFactory(jis_code="26201", name="福知山市", kana="フクチヤマシ", prefecture=kyoto)
    maizuru = MunicipalityFactory(jis_code="26202", name="舞鶴市", kana="マイヅルシ", prefecture=kyoto)
    ayabe = MunicipalityFactory(jis_code="26203", name="綾部市", kana="アヤベシ", prefecture=kyoto)
    ine = MunicipalityFactory(jis_code="26463", name="伊根町", kana="イネチョウ", prefecture=kyoto,
                              kind=Municipality.Kind.TOWN)
    otsu = MunicipalityFactory(jis_code="25201", name="大津市", kana="オオツシ", prefecture=shiga)
    chutan = AreaGroupFactory(name="中丹医療圏", prefecture=kyoto)
    chutan.municipalities.set([fukuchiyama, maizuru, ayabe])

    def office(municipality, name):
        return OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, name=name, municipality=municipality)

    prefecture_office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, name="京都府 高齢者支援課",
                                            municipality=None, prefecture=kyoto)
    health_center = OrganizationFactory(kind=Organization.Kind.PUBLIC_HEALTH_CENTER, name="京都府中丹西保健所",
                                        municipality=fukuchiyama)
    area = HealthCenterArea.objects.create(health_center=health_center)
    area.municipalities.set([fukuchiyama, maizuru, ayabe])
    shiga_office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, name="滋賀県 医療福祉推進課",
                                       municipality=None, prefecture=shiga)
    association = OrganizationFactory(kind=Organization.Kind.MEDICAL_ASSOCIATION, name="福知山医師会",
                                      municipality=fukuchiyama)
    clinic = OrganizationFactory(kind=Organization.Kind.CLINIC, name="福知山テスト医院", municipality=fukuchiyama)
    world = World(
        kyoto=kyoto, shiga=shiga, fukuchiyama=fukuchiyama, maizuru=maizuru, ayabe=ayabe, ine=ine, otsu=otsu,
        chutan=chutan, prefecture_office=prefecture_office, health_center=health_center,
        official=MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office(fukuchiyama, "福知山市役所")),
        coordinator=MembershipFactory(role=Role.COORDINATOR, organization=association),
        neighbour_official=MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office(maizuru, "舞鶴市役所")),
        small_town_official=MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office(ine, "伊根町役場")),
        prefecture=MembershipFactory(role=Role.PREFECTURE_STAFF, organization=prefecture_office),
        health_center_staff=MembershipFactory(role=Role.PREFECTURE_STAFF, organization=health_center,
                                              profession="public_health_nurse"),
        other_prefecture=MembershipFactory(role=Role.PREFECTURE_STAFF, organization=shiga_office),
        other_official=MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office(otsu, "大津市役所")),
        professional=MembershipFactory(role=Role.PROFESSIONAL, organization=clinic, profession="doctor"),
        admin=MembershipFactory(role=Role.SYSTEM_ADMIN, organization=prefecture_office),
    )
    if population:
        rows = [PopulationRow(m, year, *POPULATION[m.jis_code])
                for m in (fukuchiyama, maizuru, ayabe, ine, otsu) for year in (FY - 1, FY)]
        population_record(rows, source_note="テスト")
    return world


def answer(municipality: Municipality, statuses: str, *, fiscal_year: int = FY, confirm: bool = True,
           membership=None, **extras):
    """Write a sheet from a string of eight letters for (ア)–(ク): I implemented, P planned, N not implemented."""
    letter = {"I": ItemStatus.IMPLEMENTED, "P": ItemStatus.PLANNED, "N": ItemStatus.NOT_IMPLEMENTED}
    items = [ItemAnswer(item=item, status=letter[s]) for item, s in zip("abcdefgh", statuses, strict=True)]
    return implementation_save(membership=membership, municipality=municipality, fiscal_year=fiscal_year,
                               items=items, confirm=confirm, **extras)
