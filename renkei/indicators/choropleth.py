"""The choropleth of one indicator: its latest value by municipality of the prefecture, or by daily living area
of the municipality, over the outlines the directory loads, in classes with a legend (see views/dashboards.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from renkei.core.models import Municipality

from .dashboards import scoped_values
from .models import AreaLevel, IndicatorDefinition, IndicatorValue
from .periods import Period


@dataclass
class MapArea:
    key: str
    name: str
    value: IndicatorValue | None
    shape: object | None  # directory AreaShape
    is_own: bool = False


def map_areas(membership, definition: IndicatorDefinition, municipality: Municipality, level: str
              ) -> tuple[Period | None, list[MapArea]]:
    """The latest value by municipality of the prefecture, or by daily living area of the municipality.

    The period is the latest one with any value at that level; every area is listed (no value: "no data")
    with its outline when the directory has loaded one."""
    from renkei.directory.selectors.maps import area_shapes_for

    if level == AreaLevel.DAILY_LIVING_AREA:
        areas = list(municipality.daily_living_areas.order_by("sort_order", "name"))
        keys = {f"D{a.pk}": a for a in areas}
        base = IndicatorValue.objects.filter(definition=definition, is_current=True, value__isnull=False,
                                             area_key__in=list(keys))
        names = {k: a.name for k, a in keys.items()}
        shapes = {f"D{s.daily_living_area_id}": s for s in area_shapes_for(daily_living_areas=areas)}
    else:
        areas = list(Municipality.objects.filter(prefecture_id=municipality.prefecture_id,
                                                 abolished_on__isnull=True).order_by("code"))
        keys = {f"M{m.code}": m for m in areas}
        base = IndicatorValue.objects.filter(definition=definition, is_current=True, value__isnull=False,
                                             area_key__in=list(keys))
        names = {k: m.name for k, m in keys.items()}
        by_id = {m.pk: f"M{m.code}" for m in areas}
        shapes = {by_id[s.municipality_id]: s for s in area_shapes_for(municipalities=areas)}
    base = scoped_values(membership, base)
    latest = base.order_by("-period_start").values_list("period_start", flat=True).first()
    if latest is None:
        return None, [MapArea(k, names[k], None, shapes.get(k)) for k in keys]
    values = {v.area_key: v for v in base.filter(period_start=latest).order_by()}
    own_key = f"M{municipality.code}"
    return Period(latest, definition.period_type), [
        MapArea(k, names[k], values.get(k), shapes.get(k), is_own=k == own_key) for k in keys]


NO_DATA_COLOR = "#bdbdbd"
# ColorBrewer "Blues" (5 classes, colour-blind safe and printable in grey): the higher the value, the darker.
CLASS_COLORS = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]


@dataclass(frozen=True)
class MapClass:
    low: Decimal
    high: Decimal
    index: int  # into CLASS_COLORS (the legend's CSS class swatch-<index>)

    @property
    def color(self) -> str:
        return CLASS_COLORS[self.index]


def map_classes(values: list[Decimal], count: int = 5) -> list[MapClass]:
    """Equal-interval classes over the values shown (fewer when there are fewer distinct values)."""
    if not values:
        return []
    low, high = min(values), max(values)
    if low == high:
        return [MapClass(low, high, len(CLASS_COLORS) - 1)]
    count = min(count, len(set(values)), len(CLASS_COLORS))
    step = (high - low) / count
    first = len(CLASS_COLORS) - count  # fewer classes keep the darker colours
    return [MapClass(low + step * i, high if i == count - 1 else low + step * (i + 1), first + i)
            for i in range(count)]


def class_of(classes: list[MapClass], value: Decimal | None) -> MapClass | None:
    if value is None or not classes:
        return None
    for candidate in classes:
        if value <= candidate.high:
            return candidate
    return classes[-1]
