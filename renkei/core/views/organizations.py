"""Screens for organizations, their members and invitations."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import policy, selectors
from ..concurrency import StaleEdit, render_conflict
from ..forms import InvitationForm, OrganizationForm
from ..models import Invitation, Membership, Organization, User
from ..second_factor import recent_second_factor
from ..services import accounts
from ..services import organizations as org_services


def _organization(request, pk, **kwargs):
    return get_object_or_404(Organization.objects.select_related("municipality", "prefecture"), pk=pk)


def _membership(request, pk, **kwargs):
    return get_object_or_404(Membership.objects.select_related("organization", "user"), pk=pk)


def _invitation(request, pk, **kwargs):
    return get_object_or_404(Invitation.objects.select_related("organization"), pk=pk)


@policy.requires("core.view_organizations")
def organization_list_view(request):
    q, kind = request.GET.get("q", ""), request.GET.get("kind", "")
    municipality_code = request.GET.get("municipality", "")
    if not (q or kind or municipality_code) and request.membership.organization.municipality_id:
        municipality_code = request.membership.organization.municipality.code
    include_inactive = request.GET.get("inactive") == "1"
    organizations = selectors.organizations_search(q=q, kind=kind, municipality_code=municipality_code,
                                                   include_inactive=include_inactive)
    context = {
        "page": Paginator(organizations, 50).get_page(request.GET.get("page")),
        "q": q, "kind": kind, "municipality_code": municipality_code, "kinds": Organization.Kind.choices,
        "include_inactive": include_inactive,
        "can_create": policy.check(request.membership, "core.manage_organizations"),
    }
    template = "core/_organization_rows.html" if request.htmx else "core/organization_list.html"
    return render(request, template, context)


@policy.requires("core.view_organizations", get_object=_organization)
def organization_detail_view(request, pk, obj):
    membership = request.membership
    can_manage = policy.check(membership, "core.manage_organizations", obj)
    members = list(selectors.organization_members(obj)) if can_manage else None
    invitations = list(selectors.open_invitations(obj)) if can_manage else None
    # Buttons only for what the policy allows on each row (a role the viewer could not grant has none).
    for m in members or []:
        m.may_end = m.is_active and policy.check(membership, "core.manage_members", m)
        m.may_administer_account = policy.check(membership, "core.deactivate_user", m.user)
    for invitation in invitations or []:
        invitation.may_revoke = policy.check(membership, "core.revoke_invitation", invitation)
    return render(request, "core/organization_detail.html", {
        "organization": obj,
        "can_manage": can_manage,
        "can_change_status": policy.check(membership, "core.change_organization_status", obj),
        "members": members,
        "invitations": invitations,
    })


def _organization_form(request, organization: Organization, *, created: bool):
    form = OrganizationForm(request.POST or None, instance=organization,
                            prefecture=organization.prefecture if organization.prefecture_id
                            else request.membership.organization.prefecture)
    if request.method == "POST" and form.is_valid():
        if not policy.check(request.membership, "core.manage_organizations", form.instance):
            form.add_error("municipality_code", _("You may only manage organizations in your own area."))
        else:
            try:
                org_services.organization_save(organization=form.instance,
                                               expected_version=form.cleaned_data.get("version"))
            except StaleEdit as stale:
                stored = stale.current

                def rebind(data):
                    return OrganizationForm(data, instance=stored, prefecture=form.prefecture)

                return render_conflict(request, "core/organization_form.html",
                                       {"organization": stored, "created": False}, form=form,
                                       current_form=OrganizationForm(instance=stored, prefecture=form.prefecture),
                                       stale=stale, rebind=rebind)
            messages.success(request, _("Saved “%(name)s”.") % {"name": form.instance.name})
            return redirect("core:organization_detail", pk=form.instance.pk)
    return render(request, "core/organization_form.html", {"form": form, "organization": organization,
                                                           "created": created},
                  status=400 if form.errors else 200)


@policy.requires("core.manage_organizations")
def organization_create_view(request):
    own = request.membership.organization
    return _organization_form(request, Organization(prefecture=own.prefecture, municipality=own.municipality),
                              created=True)


@policy.requires("core.manage_organizations", get_object=_organization)
def organization_edit_view(request, pk, obj):
    return _organization_form(request, obj, created=False)


@policy.requires("core.change_organization_status", get_object=_organization)
def organization_toggle_active_view(request, pk, obj):
    if request.method == "POST":
        if obj.is_active:
            org_services.organization_deactivate(organization=obj)
            messages.success(request, _("“%(name)s” was deactivated. Its history is kept.") % {"name": obj.name})
        else:
            org_services.organization_reactivate(organization=obj)
            messages.success(request, _("“%(name)s” is active again.") % {"name": obj.name})
    return redirect("core:organization_detail", pk=obj.pk)


@policy.requires("core.manage_organizations", get_object=_organization)
@recent_second_factor
def invitation_create_view(request, pk, obj):
    form = InvitationForm(request.POST or None, roles=org_services.roles_grantable_by(request.membership, obj))
    if request.method == "POST" and form.is_valid():
        org_services.invitation_send(invited_by=request.membership, organization=obj,
                                     email=form.cleaned_data["email"], role=form.cleaned_data["role"],
                                     profession=form.cleaned_data["profession"],
                                     base_url=request.build_absolute_uri("/")[:-1])
        messages.success(request, _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]})
        return redirect("core:organization_detail", pk=obj.pk)
    return render(request, "core/invitation_form.html", {"form": form, "organization": obj},
                  status=400 if form.errors else 200)


@policy.requires("core.revoke_invitation", get_object=_invitation)
@recent_second_factor
def invitation_revoke_view(request, pk, obj):
    if request.method == "POST" and obj.is_usable:
        org_services.invitation_revoke(invitation=obj)
        messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": obj.email})
    return redirect("core:organization_detail", pk=obj.organization_id)


@policy.requires("core.manage_members", get_object=_membership)
@recent_second_factor
def membership_deactivate_view(request, pk, obj):
    if request.method == "POST" and obj.is_active:
        org_services.membership_deactivate(membership=obj)
        messages.success(request, _("%(name)s no longer acts for %(organization)s. The history is kept.")
                         % {"name": obj.user, "organization": obj.organization})
    return redirect("core:organization_detail", pk=obj.organization_id)


@policy.requires("core.manage_members", get_object=_membership)
@recent_second_factor
def membership_responsible_view(request, pk, obj):
    """Name or stop naming the organization's responsible person for personal data (個人情報管理責任者)."""
    if request.method == "POST" and obj.is_active:
        named = request.POST.get("responsible") == "1"
        org_services.membership_set_responsible(membership=obj, is_responsible=named)
        messages.success(request, (_("%(name)s is now a responsible person for personal data.") if named else
                                   _("%(name)s is no longer a responsible person for personal data."))
                         % {"name": obj.user})
    return redirect("core:organization_detail", pk=obj.organization_id)


def _user(request, pk, **kwargs):
    return get_object_or_404(User, pk=pk)


def _back_to(request, user):
    membership = user.memberships.order_by("-is_active", "pk").first()
    return redirect("core:organization_detail", pk=membership.organization_id) if membership else redirect(
        "core:organization_list")


@policy.requires("core.deactivate_user", get_object=_user)
@recent_second_factor
def user_deactivate_view(request, pk, obj):
    """A system administrator closes a person's account everywhere (leaving staff, lost trust)."""
    if request.method == "POST" and obj.is_active:
        org_services.user_deactivate(user=obj)
        messages.success(request, _("The account of %(name)s was deactivated. The history is kept.") % {"name": obj})
    return _back_to(request, obj)


@policy.requires("core.reset_two_factor", get_object=_user)
@recent_second_factor
def two_factor_reset_view(request, pk, obj):
    """A system administrator removes a lost authenticator and gets a one-time code to pass on out of band."""
    if request.method != "POST":
        return _back_to(request, obj)
    code = accounts.totp_reset(user=obj, by=request.user)
    membership = obj.memberships.order_by("-is_active", "pk").first()
    # Shown once, on this page (not in a message that would travel in a cookie).
    return render(request, "core/two_factor_reset_done.html", {
        "person": obj, "code": code, "hours": settings.RENKEI_ENROLMENT_CODE_HOURS,
        "organization_id": membership.organization_id if membership else None,
    })


@policy.requires("core.lift_login_lockout", get_object=_user)
@recent_second_factor
def login_lockout_lift_view(request, pk, obj):
    """A system administrator lets a locked-out person try again at once (the lock also cools off by itself)."""
    if request.method == "POST":
        accounts.login_lockout_lift(user=obj)
        messages.success(request, _("%(name)s can try to log in again.") % {"name": obj})
    return _back_to(request, obj)
