"""Reads for core's screens and API: places, organizations, members, the audit log."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import policy
from .dashboard import AttentionItem
from .models import AreaGroup, AuditEntry, Job, Membership, Municipality, Organization, Prefecture, Role, User
from .services.accounts import TWO_FACTOR_REQUIRED_ROLES
from .text import kana_variants


def prefectures_with_counts() -> QuerySet[Prefecture]:
    """Prefectures with how many current municipalities each has."""
    return Prefecture.objects.annotate(
        municipality_count=Count("municipalities", filter=Q(municipalities__abolished_on__isnull=True)
                                 & ~Q(municipalities__kind=Municipality.Kind.WARD))
    )


def municipalities_search(*, q: str = "", prefecture_code: str = "", include_abolished: bool = False,
                          kind: str = "") -> QuerySet[Municipality]:
    """Municipalities by name, kana (either script) or code, optionally within one prefecture."""
    qs = Municipality.objects.select_related("prefecture", "parent")
    if not include_abolished:
        qs = qs.filter(abolished_on__isnull=True)
    if prefecture_code:
        qs = qs.filter(prefecture__code=prefecture_code)
    if kind:
        qs = qs.filter(kind=kind)
    q = q.strip()
    if q:
        # kana_variants() leaves out the query itself, so search kana for it as typed too.
        condition = Q(code__startswith=q) | Q(jis_code__startswith=q) | Q(name__contains=q) | Q(kana__contains=q)
        for variant in kana_variants(q):
            condition |= Q(kana__contains=variant) | Q(name__contains=variant)
        qs = qs.filter(condition)
    return qs.order_by("code")


def municipality_by_code(code: str) -> Municipality:
    """One municipality by its 6-digit (or 5-digit JIS) code; 404 when unknown."""
    field = "code" if len(code) == 6 else "jis_code"
    return get_object_or_404(Municipality.objects.select_related("prefecture", "parent", "succeeded_by"),
                             **{field: code})


def municipality_or_none(code: str) -> Municipality | None:
    """The municipality a typed 6-digit (or 5-digit JIS) code names, or None (for a form's own message)."""
    code = (code or "").strip()
    if not code:
        return None
    field = "code" if len(code) == 6 else "jis_code"
    return Municipality.objects.select_related("prefecture", "parent").filter(**{field: code}).first()


def area_groups_for(prefecture: Prefecture) -> QuerySet[AreaGroup]:
    return AreaGroup.objects.filter(prefecture=prefecture).prefetch_related("municipalities")


def organizations_search(*, q: str = "", kind: str = "", municipality_code: str = "",
                         include_inactive: bool = False) -> QuerySet[Organization]:
    """Organizations by name or kana, kind and municipality."""
    qs = Organization.objects.select_related("municipality", "prefecture")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if municipality_code:
        qs = qs.filter(municipality__code=municipality_code)
    q = q.strip()
    if q:
        condition = Q(name__icontains=q) | Q(kana__contains=q)
        for variant in kana_variants(q):
            condition |= Q(kana__contains=variant) | Q(name__contains=variant)
        qs = qs.filter(condition)
    return qs.order_by("kind", "kana", "name")


def organization_members(organization: Organization, *, include_inactive: bool = True) -> QuerySet[Membership]:
    qs = organization.memberships.select_related("user", "organization")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("-is_active", "user__kana", "user__email")


def open_invitations(organization: Organization) -> QuerySet:
    """Invitations of an organization that were neither accepted nor withdrawn, newest first."""
    return organization.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).select_related(
        "organization")


def active_api_tokens(membership) -> QuerySet:
    """The API tokens a membership has not revoked, newest first."""
    return membership.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")


def pending_two_factor_user(user_id) -> User | None:
    """The active user who passed the password step and now owes a second factor."""
    return User.objects.filter(pk=user_id, is_active=True).first() if user_id else None


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def memberships_of(user) -> QuerySet[Membership]:
    return (user.memberships.filter(is_active=True, organization__is_active=True)
            .select_related("organization__municipality", "organization__prefecture"))


def audit_entries(membership, *, q: str = "", action: str = "", object_type: str = "",
                  user_label: str = "", date_from=None, date_to=None) -> QuerySet[AuditEntry]:
    """Audit entries this membership may search, newest first."""
    qs = policy.scope(membership, "core.view_audit", AuditEntry.objects.all())
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if user_label:
        qs = qs.filter(user_label__icontains=user_label)
    if q:
        qs = qs.filter(Q(object_label__icontains=q) | Q(object_id=q) | Q(reason__icontains=q))
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs.order_by("-seq")


def home_summary(membership) -> dict:
    """Figures for the dashboard of the active membership's role."""
    org = membership.organization
    summary: dict = {"organization": org}
    if org.municipality_id:
        summary["municipality"] = org.municipality
        summary["daily_living_areas"] = list(org.municipality.daily_living_areas.all())
        summary["organizations_in_municipality"] = (
            Organization.objects.filter(municipality_id=org.municipality_id, is_active=True).count())
    summary["organizations_in_prefecture"] = Organization.objects.filter(
        prefecture_id=org.prefecture_id, is_active=True).count()
    if policy.check(membership, "core.view_audit"):
        summary["recent_audit"] = list(audit_entries(membership)[:5])
    summary["members_of_organization"] = org.memberships.filter(is_active=True).count()
    summary["role_template"] = f"core/_home_{membership.role}.html"
    if membership.role in (Role.MUNICIPAL_STAFF, Role.COORDINATOR) and org.municipality_id:
        summary["organizations_by_kind"] = organizations_by_kind(municipality_id=org.municipality_id)
    elif membership.role == Role.PREFECTURE_STAFF:
        summary["organizations_by_kind"] = organizations_by_kind(prefecture_id=org.prefecture_id)
        summary["area_groups"] = list(area_groups_for(org.prefecture))
    elif membership.role == Role.SYSTEM_ADMIN:
        summary["audit_entries"] = AuditEntry.objects.count()
        summary["users_active"] = User.objects.filter(is_active=True).count()
        summary["users_without_two_factor"] = User.objects.filter(
            is_active=True, memberships__is_active=True, memberships__role__in=TWO_FACTOR_REQUIRED_ROLES,
            totp_device__isnull=True).distinct().count()
        summary["municipalities_loaded"] = Municipality.objects.filter(abolished_on__isnull=True).count()
    return summary


def organizations_by_kind(*, municipality_id: int | None = None, prefecture_id: int | None = None) -> list[dict]:
    """Active organizations per kind in a municipality or prefecture, every kind listed (zero included)."""
    qs = Organization.objects.filter(is_active=True)
    qs = qs.filter(municipality_id=municipality_id) if municipality_id else qs.filter(prefecture_id=prefecture_id)
    counts = dict(qs.values_list("kind").annotate(n=Count("pk")))
    return [{"kind": kind, "label": label, "count": counts.get(kind, 0)} for kind, label in Organization.Kind.choices]


def recent_jobs(membership, *, status: str = "", limit: int = 200) -> QuerySet[Job]:
    """The background jobs of the places the membership manages, newest first."""
    jobs = policy.scope(membership, "core.view_jobs",
                        Job.objects.select_related("municipality", "prefecture", "requested_by"))
    if status in Job.Status.values:
        jobs = jobs.filter(status=status)
    return jobs.order_by("-created_at", "-pk")[:limit]


def job_by_id(job_id: int) -> Job:
    """One job, for a view whose rule then decides (a 404 when missing)."""
    return get_object_or_404(Job.objects.select_related("municipality", "prefecture"), pk=job_id)


def failed_jobs_to_retry(membership) -> list[Job]:
    """Failed jobs of the member's places that they may retry, newest first.

    A failed job is left out once a newer job with the same key (the same work for the same place) was
    queued after it: that one stands for it.
    """
    newer = Job.objects.filter(key=OuterRef("key"), created_at__gt=OuterRef("created_at")).exclude(key="")
    jobs = (policy.scope(membership, "core.view_jobs", Job.objects.select_related("municipality", "prefecture"))
            .filter(status=Job.Status.FAILED).exclude(Exists(newer)).order_by("-created_at", "-pk"))
    return [job for job in jobs[:200] if policy.check(membership, "core.retry_job", job)]


def jobs_attention(membership) -> list[AttentionItem]:
    """Core's attention items: failed background jobs the member may retry (linked to the jobs screen)."""
    if not policy.check(membership, "core.retry_job"):
        return []
    failed = len(failed_jobs_to_retry(membership))
    if not failed:
        return []
    return [AttentionItem(
        text=ngettext("%(count)d background job failed", "%(count)d background jobs failed", failed)
        % {"count": failed},
        detail=_("Open the jobs screen to read the error and retry."),
        url=f"{reverse('core:job_list')}?status={Job.Status.FAILED}", action="core.view_jobs", order=30)]
