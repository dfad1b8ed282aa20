"""What capabilities add to the home page, without core importing them: attention items and panels.

The home page leads with **attention**: what needs the person now (answers to review, stale entries,
failed jobs, imports waiting…). Each app registers an attention provider
`provider(membership) -> list[AttentionItem]` with `register_attention()` in its AppConfig.ready();
later capabilities (actions, handoffs) add theirs the same way. An item links to the screen where the
person deals with it and names the rule guarding that screen: `attention_for()` drops every item whose
link the policy would refuse, so the home page never links to a 403.

Below it come **panels**: `panel(membership) -> dict | None` registered with `register()`; the dict names
the template to include (`"template"`) and holds what it shows. None means "nothing for this membership".
Panels ask the permission policy themselves, like any selector.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import policy

Panel = Callable[[object], dict | None]
_panels: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def panels_for(membership) -> list[dict]:
    """The panels this membership's home page shows, in registration order."""
    out = []
    for panel in _panels:
        content = panel(membership)
        if content:
            out.append(content)
    return out


# --- attention -------------------------------------------------------------------------------------

TODO = "todo"  # something the person should do
INFO = "info"  # where to look (their organization's entry, the state of their municipalities)


@dataclass(frozen=True)
class AttentionItem:
    """One line of the attention section: a sentence, and the screen where the person deals with it.

    `url` is guarded by `action` (on `obj`, when the screen acts on one): the item is shown only when
    `policy.check(membership, action, obj)` allows it. A link without an action is never shown (fails
    closed). An item without a link is a plain sentence. `template` replaces the sentence with richer
    content (a table); it receives the item as `item` and `data` holds what it shows.
    """

    text: str
    url: str = ""
    action: str = ""
    obj: Any = None
    detail: str = ""  # a second, quieter line: how to do it
    tone: str = TODO
    order: int = 50  # lower first
    template: str = ""
    data: dict = field(default_factory=dict)

    @property
    def is_todo(self) -> bool:
        return self.tone == TODO


AttentionProvider = Callable[[object], list[AttentionItem]]
_attention_providers: list[AttentionProvider] = []


def register_attention(provider: AttentionProvider) -> AttentionProvider:
    if provider not in _attention_providers:
        _attention_providers.append(provider)
    return provider


def may_follow(membership, item: AttentionItem) -> bool:
    """True when the item's link (if any) leads to a screen the policy lets this membership open."""
    if not item.url:
        return True
    return bool(item.action) and policy.check(membership, item.action, item.obj)


def attention_for(membership) -> list[AttentionItem]:
    """The attention items of this membership, things to do first, then by `order` and registration."""
    items: list[AttentionItem] = []
    for provider in _attention_providers:
        items.extend(item for item in provider(membership) or [] if may_follow(membership, item))
    return sorted(items, key=lambda item: (not item.is_todo, item.order))
