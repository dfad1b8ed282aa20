"""The patient frame's tabs and the summary page's sections: each part registers its own, the policy decides
which a viewer sees (so no tab leads to a 403: an enrolled hospital sees the emergency sheet tab only).

A views module registers its tab when it is imported (careteams/urls.py imports them all); another app
(provision: who to call now) adds a section to the patient's summary page from its AppConfig.ready().
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from renkei.core import policy


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url_name: str
    action: str
    order: int = 50


@dataclass(frozen=True)
class Section:
    """A block on the patient's summary page: a template given `patient` and `membership`."""

    key: str
    template_name: str
    action: str
    order: int = 50


_tabs: dict[str, Tab] = {}
_sections: dict[str, Section] = {}


def register_tab(key: str, label: str, url_name: str, action: str, order: int = 50) -> None:
    _tabs[key] = Tab(key, label, url_name, action, order)


def register_section(key: str, template_name: str, action: str, order: int = 50) -> None:
    _sections[key] = Section(key, template_name, action, order)


def tabs_for(membership, patient) -> list[dict]:
    """The tabs this membership may open for this patient, in order."""
    tabs = []
    for tab in sorted(_tabs.values(), key=lambda t: (t.order, t.key)):
        if not policy.check(membership, tab.action, patient):
            continue
        try:
            url = reverse(tab.url_name, kwargs={"patient_id": patient.pk})
        except NoReverseMatch:
            continue
        tabs.append({"key": tab.key, "label": tab.label, "url": url})
    return tabs


def sections_for(membership, patient) -> list[str]:
    """Template names of the summary page's sections this membership may see."""
    return [s.template_name for s in sorted(_sections.values(), key=lambda s: (s.order, s.key))
            if policy.check(membership, s.action, patient)]
