"""The PDCA rules in the one permission policy.

Municipal staff and coordinators edit their municipality's plan, logic model, councils and turns; prefecture
staff read their municipalities'; a member who holds a seat on a council sees that body (its meetings,
issues and actions); an action's owner updates it. Everything else is refused.
"""

from django.db.models import Q

from renkei.core import policy
from renkei.core.models import Municipality, Role
from renkei.core.policy_rules import manages_municipality

from .models import Action, Council, CouncilMember, Decision, Issue, Meeting, MeetingMaterial

ADMIN = Role.SYSTEM_ADMIN
MUNICIPAL = Role.MUNICIPAL_STAFF
PREFECTURE = Role.PREFECTURE_STAFF
COORDINATOR = Role.COORDINATOR


def municipality_of(obj):
    """The municipality a PDCA object belongs to (a plan, a logic model, a council, a meeting, an action…)."""
    if obj is None or isinstance(obj, Municipality):
        return obj
    for path in ("municipality", "plan", "logic_model", "council", "meeting"):
        related = getattr(obj, path, None)
        if related is not None:
            return municipality_of(related)
    return None


def council_of(obj):
    """The body an object belongs to (a meeting's, an issue's, an action's through its meeting or issue), or None."""
    if obj is None or isinstance(obj, Council):
        return obj
    if isinstance(obj, Meeting | CouncilMember):
        return obj.council
    if isinstance(obj, MeetingMaterial | Decision):
        return obj.meeting.council
    if isinstance(obj, Issue):
        return obj.council if obj.council_id else None
    if isinstance(obj, Action):
        if obj.meeting_id:
            return obj.meeting.council
        if obj.issue_id and obj.issue.council_id:
            return obj.issue.council
    return None


def edits_plan(membership, obj) -> bool:
    if obj is None:
        return membership.role in (ADMIN, MUNICIPAL, COORDINATOR)
    municipality = municipality_of(obj)
    return municipality is not None and manages_municipality(membership, municipality)


def reads_plan(membership, obj) -> bool:
    """The municipality's staff and coordinators, prefecture staff of its prefecture, admins."""
    if obj is None:
        return membership.role in (ADMIN, MUNICIPAL, COORDINATOR, PREFECTURE)
    if edits_plan(membership, obj):
        return True
    municipality = municipality_of(obj)
    return (membership.role == PREFECTURE and municipality is not None
            and municipality.prefecture_id == membership.organization.prefecture_id)


def holds_seat(membership, council) -> bool:
    return council is not None and council.members.filter(membership=membership, is_active=True).exists()


def owns_action(membership, obj) -> bool:
    return isinstance(obj, Action) and obj.owner_id is not None and obj.owner_id == membership.pk


def sees_council(membership, obj) -> bool:
    """Who reads the plan, whoever holds a seat on the body, and an action's owner (their own action).

    Objectless ("may they open the councils' screens at all?"): readers of plans, seat holders and owners of
    an action, so that a professional who owns an action without a seat still reaches "my actions".
    """
    if obj is None:
        return (reads_plan(membership, None) or membership.council_seats.filter(is_active=True).exists()
                or membership.pdca_actions.exists())
    return reads_plan(membership, obj) or holds_seat(membership, council_of(obj)) or owns_action(membership, obj)


def updates_action(membership, obj) -> bool:
    """The plan's editors, and the action's owner (its status and result)."""
    if obj is None:
        return edits_plan(membership, None) or membership.pdca_actions.exists()
    return edits_plan(membership, obj) or owns_action(membership, obj)


def _managed_municipalities(membership, *, read: bool):
    qs = Municipality.objects.all()
    if membership.role == ADMIN:
        return qs
    if read and membership.role == PREFECTURE:
        return qs.filter(prefecture_id=membership.organization.prefecture_id)
    own = membership.organization.municipality_id
    if membership.role in (MUNICIPAL, COORDINATOR) and own:
        return qs.filter(Q(pk=own) | Q(parent_id=own))
    return qs.none()


def plan_scope(membership, queryset):
    """Rows with a `municipality` the member reads the plan of."""
    return queryset.filter(municipality__in=_managed_municipalities(membership, read=True))


def editable_scope(membership, queryset):
    return queryset.filter(municipality__in=_managed_municipalities(membership, read=False))


def _seated_councils(membership):
    return CouncilMember.objects.filter(membership=membership, is_active=True).values("council_id")


def council_scope(membership, queryset):
    """What `pdca.view_council` lists, for councils, meetings, issues and actions alike (the rule's check on
    one object answers the same): rows of municipalities whose plan the member reads, rows of the bodies they
    hold a seat on, and (actions) the actions they own. Seats are matched by subquery, so no row repeats."""
    readable = _managed_municipalities(membership, read=True)
    seated = _seated_councils(membership)
    model = queryset.model
    if model is Council:
        return queryset.filter(Q(municipality__in=readable) | Q(pk__in=seated))
    if model is Meeting:
        return queryset.filter(Q(council__municipality__in=readable) | Q(council_id__in=seated))
    if model is Issue:
        return queryset.filter(Q(municipality__in=readable) | Q(council_id__in=seated))
    if model is Action:
        # An action's body is its meeting's, else its issue's (policy.council_of).
        return queryset.filter(
            Q(municipality__in=readable) | Q(owner=membership) | Q(meeting__council_id__in=seated)
            | Q(meeting__isnull=True, issue__council_id__in=seated))
    return queryset.none()


def action_scope(membership, queryset):
    """Actions the member may update: their municipality's (editors) and their own (owners)."""
    return queryset.filter(Q(municipality__in=_managed_municipalities(membership, read=False)) | Q(owner=membership))


policy.register("pdca.view_plan", reads_plan, scope=plan_scope)
policy.register("pdca.edit_plan", edits_plan, scope=editable_scope)
policy.register("pdca.view_council", sees_council, scope=council_scope)
policy.register("pdca.manage_council", edits_plan, scope=editable_scope)
policy.register("pdca.update_action", updates_action, scope=action_scope)
policy.register("pdca.report", reads_plan, scope=plan_scope)


# --- logic-model templates (shared as JSON: a prefecture's standard set, a municipality's own) -------------

def _template_place(obj):
    """(municipality, prefecture) of a template, or of the place a new template is made for."""
    from renkei.core.models import Prefecture

    from .models import LogicModelTemplate

    if isinstance(obj, LogicModelTemplate):
        return obj.municipality, (obj.prefecture if obj.municipality_id is None else obj.municipality.prefecture)
    if isinstance(obj, Municipality):
        return obj, obj.prefecture
    if isinstance(obj, Prefecture):
        return None, obj
    return None, None


def sees_template(membership, obj) -> bool:
    """A municipality's templates: whoever reads its plan; a prefecture's: its staff and its municipalities'."""
    if obj is None:
        return membership.role in (ADMIN, MUNICIPAL, COORDINATOR, PREFECTURE)
    municipality, prefecture = _template_place(obj)
    if municipality is not None:
        return reads_plan(membership, municipality)
    if membership.role == ADMIN:
        return True
    return (prefecture is not None and membership.role in (MUNICIPAL, COORDINATOR, PREFECTURE)
            and membership.organization.prefecture_id == prefecture.pk)


def shares_template(membership, obj) -> bool:
    """Municipal staff and coordinators make their municipality's templates; prefecture staff their prefecture's."""
    if obj is None:
        return membership.role in (ADMIN, MUNICIPAL, COORDINATOR, PREFECTURE)
    municipality, prefecture = _template_place(obj)
    if municipality is not None:
        return edits_plan(membership, municipality)
    if membership.role == ADMIN:
        return True
    return (prefecture is not None and membership.role == PREFECTURE
            and membership.organization.prefecture_id == prefecture.pk)


def template_scope(membership, queryset):
    if membership.role == ADMIN:
        return queryset
    prefecture_id = membership.organization.prefecture_id
    prefecture_templates = Q(municipality__isnull=True, prefecture_id=prefecture_id)
    if membership.role not in (MUNICIPAL, COORDINATOR, PREFECTURE):
        return queryset.none()
    return queryset.filter(prefecture_templates
                           | Q(municipality__in=_managed_municipalities(membership, read=True)))


def shared_template_scope(membership, queryset):
    if membership.role == ADMIN:
        return queryset
    if membership.role == PREFECTURE:
        return queryset.filter(municipality__isnull=True, prefecture_id=membership.organization.prefecture_id)
    return queryset.filter(municipality__in=_managed_municipalities(membership, read=False))


policy.register("pdca.view_templates", sees_template, scope=template_scope)
policy.register("pdca.share_template", shares_template, scope=shared_template_scope)
