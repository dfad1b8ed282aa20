"""Template tags for directory maps: the tile settings every `directory/_map.html` include needs."""

from urllib.parse import urlsplit

from django import template
from django.conf import settings

register = template.Library()

GSI_HOST = "cyberjapandata.gsi.go.jp"
# 国土地理院 asks users of its tiles to credit them as 「地理院タイル」 with a link to the tile list.
GSI_ATTRIBUTION = ("地理院タイル", "https://maps.gsi.go.jp/development/ichiran.html")


@register.simple_tag
def map_tiles() -> dict[str, str]:
    """{"url", "attribution", "attribution_url"} from RENKEI_TILE_URL (empty URL: maps without tiles).

    RENKEI_TILE_ATTRIBUTION (text) and RENKEI_TILE_ATTRIBUTION_URL may name another tile provider.
    """
    url = getattr(settings, "RENKEI_TILE_URL", "") or ""
    attribution = getattr(settings, "RENKEI_TILE_ATTRIBUTION", "")
    attribution_url = getattr(settings, "RENKEI_TILE_ATTRIBUTION_URL", "")
    if url and not attribution and urlsplit(url).netloc == GSI_HOST:
        attribution, attribution_url = GSI_ATTRIBUTION
    return {"url": url, "attribution": attribution if url else "", "attribution_url": attribution_url if url else ""}
