"""Links other apps add to the residents' portal of a municipality, so the directory never imports them.

`register(key, label, url_name, is_shown)`: `label` a lazy translation, `url_name` reversed with the
municipality's code, `is_shown(municipality) -> bool` whether the link has something to show there. The portal's
search page lists them (`{% load portal_links %}{% portal_links municipality as links %}`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class PortalLink:
    key: str
    label: str
    url_name: str
    is_shown: Callable


_links: dict[str, PortalLink] = {}


def register(key: str, label, url_name: str, is_shown: Callable = lambda municipality: True) -> None:
    _links[key] = PortalLink(key, label, url_name, is_shown)


def links_for(municipality) -> list[dict]:
    """[{"label", "url"}] of the registered links shown for the municipality, in key order."""
    if municipality is None:
        return []
    return [{"key": link.key, "label": link.label, "url": reverse(link.url_name, args=[municipality.code])}
            for key, link in sorted(_links.items()) if link.is_shown(municipality)]
