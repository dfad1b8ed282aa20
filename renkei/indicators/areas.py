"""An area an indicator value is for: the nation, a prefecture, a municipality or a daily living area."""

from __future__ import annotations

from dataclasses import dataclass

from renkei.core.models import DailyLivingArea, Municipality, Prefecture

from .models import AreaLevel, area_key


@dataclass(frozen=True)
class Area:
    level: str
    prefecture: Prefecture | None = None
    municipality: Municipality | None = None
    daily_living_area: DailyLivingArea | None = None

    @classmethod
    def nation(cls) -> Area:
        return cls(AreaLevel.NATION)

    @classmethod
    def of_prefecture(cls, prefecture: Prefecture) -> Area:
        return cls(AreaLevel.PREFECTURE, prefecture=prefecture)

    @classmethod
    def of_municipality(cls, municipality: Municipality) -> Area:
        return cls(AreaLevel.MUNICIPALITY, prefecture=municipality.prefecture, municipality=municipality)

    @classmethod
    def of_daily_living_area(cls, area: DailyLivingArea) -> Area:
        municipality = area.municipality
        return cls(AreaLevel.DAILY_LIVING_AREA, prefecture=municipality.prefecture, municipality=municipality,
                   daily_living_area=area)

    @property
    def key(self) -> str:
        return area_key(level=self.level, prefecture=self.prefecture, municipality=self.municipality,
                        daily_living_area=self.daily_living_area)

    @property
    def owner(self):
        """What the policy and the audit log see: the municipality, else the prefecture (None: the nation)."""
        return self.municipality or self.prefecture

    @property
    def name(self) -> str:
        if self.level == AreaLevel.NATION:
            return "全国"
        if self.level == AreaLevel.PREFECTURE:
            return self.prefecture.name
        if self.level == AreaLevel.MUNICIPALITY:
            return self.municipality.name
        return f"{self.municipality.name} {self.daily_living_area.name}"
