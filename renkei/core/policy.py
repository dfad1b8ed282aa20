"""The one permission policy: "may this membership do this action on this object?"

Every view asks through `@requires(action)`, every API operation through `@api_requires(action)`,
and services or selectors through `check`/`require`/`scope`. Rules are registered per action by each
app's `policy.py` (core's are in `policy_rules.py`). Authority comes only from the active membership:
Django's is_superuser/is_staff flags grant nothing here.

An action with no registered rule is refused, so a typo or a forgotten rule fails closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.urls import Resolver404, resolve

Predicate = Callable[[Any, Any], bool]
Scope = Callable[[Any, QuerySet], QuerySet]


@dataclass(frozen=True)
class Rule:
    action: str
    predicate: Predicate
    scope: Scope | None = None
    # Objectless checks (list screens) ask "could this membership do it to anything?".
    needs_object: bool = False
    # Reads or writes person-identifying data (patients…): refused to API tokens scoped "no patient data".
    patient_data: bool = False


_rules: dict[str, Rule] = {}
NO_PATIENT_DATA = "no_patient_data"  # core.models.APIToken.Scope.NO_PATIENT_DATA (models import policy later)


def register(action: str, predicate: Predicate, *, scope: Scope | None = None, needs_object: bool = False,
             patient_data: bool = False) -> None:
    """Register the rule for `action`. Without `scope`, `scope()` lists no rows for it (fail closed)."""
    if action in _rules:
        raise ValueError(f"policy rule {action!r} registered twice")
    _rules[action] = Rule(action, predicate, scope, needs_object, patient_data)


def is_patient_data(action: str) -> bool:
    rule = _rules.get(action)
    return rule is not None and rule.patient_data


def unregister(action: str) -> None:
    """Remove a rule (tests that register a rule of their own clean up with this)."""
    _rules.pop(action, None)


def registered_actions() -> list[str]:
    return sorted(_rules)


def check(membership, action: str, obj: Any = None) -> bool:
    """True when the membership may do `action` (on `obj`, when given). Never raises."""
    rule = _rules.get(action)
    if rule is None or membership is None or not _is_usable(membership):
        return False
    if rule.needs_object and obj is None:
        return False
    if rule.patient_data and getattr(membership, "api_scope", None) == NO_PATIENT_DATA:
        return False
    return bool(rule.predicate(membership, obj))


def require(membership, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied (and log the refusal) unless `check` allows it."""
    if not check(membership, action, obj):
        _log_refusal(action, obj)
        raise PermissionDenied(action)


def scope(membership, action: str, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` this membership may see for `action` (none when refused).

    Fails closed: only a rule's scope function lists rows. A rule without one lists nothing, even when the
    objectless check ("could they do it to anything?") passes; that answer says nothing about which rows.
    """
    rule = _rules.get(action)
    if rule is None or rule.scope is None or membership is None or not _is_usable(membership):
        return queryset.none()
    if rule.patient_data and getattr(membership, "api_scope", None) == NO_PATIENT_DATA:
        return queryset.none()
    return rule.scope(membership, queryset)


def _is_usable(membership) -> bool:
    return membership.is_active and membership.user.is_active and membership.organization.is_active


def _log_refusal(action: str, obj: Any) -> None:
    from . import audit
    from .models import AuditEntry

    if obj is not None and hasattr(obj, "_meta") and obj.pk is not None:
        audit.record(action=AuditEntry.Action.REFUSE, obj=obj, permission=action)
    else:
        audit.record(action=AuditEntry.Action.REFUSE, permission=action)


# --- predicates to build rules from ---------------------------------------------------------------

def has_role(*roles: str) -> Predicate:
    return lambda membership, obj: membership.role in roles


def any_of(*predicates: Predicate) -> Predicate:
    return lambda membership, obj: any(p(membership, obj) for p in predicates)


def all_of(*predicates: Predicate) -> Predicate:
    return lambda membership, obj: all(p(membership, obj) for p in predicates)


def always(membership, obj) -> bool:
    return True


def is_on_care_team(membership, obj) -> bool:
    """True while the membership is on the care team of `obj` (a patient, or anything about one).

    Objects opt in by implementing `care_team_includes(membership) -> bool`; patient data also needs
    `has_recorded_consent_for(membership) -> bool`. Anything else is refused.
    """
    includes = getattr(obj, "care_team_includes", None)
    consent = getattr(obj, "has_recorded_consent_for", None)
    if includes is None or consent is None:
        return False
    return bool(includes(membership)) and bool(consent(membership))


# --- view and API decorators ----------------------------------------------------------------------

def public(view):
    """Mark a view that deliberately needs no login (the URL-walk test reads this mark)."""
    view.policy_public = True
    return view


def requires(action: str, *, get_object: Callable[..., Any] | None = None):
    """View decorator: login, an active membership, then `require(membership, action, obj)`.

    `get_object(request, **kwargs)` loads the object the action applies to (a 404 when missing);
    the loaded object is passed to the view as `obj`.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = getattr(request, "membership", None)
            obj = get_object(request, **kwargs) if get_object else None
            require(membership, action, obj)
            if get_object:
                kwargs["obj"] = obj
            return view(request, *args, **kwargs)

        wrapper.policy_action = action
        wrapper.policy_get_object = get_object
        return wrapper

    return decorator


def may_open(membership, path: str) -> bool:
    """Whether the page at `path` would let the member in, asked of its view's `@requires` action (so a screen
    offers a link only where it leads somewhere). A view that loads its object is asked without it, as list
    screens are; a public view lets everyone in; a path that resolves to nothing leads nowhere."""
    try:
        view = resolve(urlsplit(path).path).func
    except Resolver404:
        return False
    if getattr(view, "policy_public", False):
        return True
    action = getattr(view, "policy_action", None)
    return True if action is None else check(membership, action)


def api_requires(action: str):
    """Ninja operation decorator: authentication is done by the API; this asks the policy."""

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            require(getattr(request, "membership", None), action)
            return func(request, *args, **kwargs)

        wrapper.policy_action = action
        return wrapper

    return decorator


def api_asks_on_object(action: str):
    """Ninja operation decorator for rules that need the object (a patient, a post): the operation loads it
    through a selector or service that asks `require(membership, action, obj)` (an objectless check cannot
    answer such a rule). This marks the operation for the API walk and refuses, logged, a caller without an
    active membership before anything is loaded."""

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            if getattr(request, "membership", None) is None:
                require(None, action)
            return func(request, *args, **kwargs)

        wrapper.policy_action = action
        return wrapper

    return decorator


def api_public(action: str):
    """Ninja operation decorator for operations anonymous callers may use too (resident portal, open data).

    A logged-in member is still asked the policy for `action` (and refused like anywhere else); an anonymous
    caller (request.membership None) passes, and the operation must answer with public fields only. The
    operation's auth must let anonymous callers through (e.g. renkei.directory.api.ANONYMOUS_ALLOWED).
    Marked `policy_public` so the API-walk tests know the anonymous access is deliberate.
    """

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            membership = getattr(request, "membership", None)
            if membership is not None:
                require(membership, action)
            return func(request, *args, **kwargs)

        wrapper.policy_action = action
        wrapper.policy_public = True
        return wrapper

    return decorator
