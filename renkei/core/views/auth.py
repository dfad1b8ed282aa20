"""Login (password, then second factor), logout, two-factor setup, invitations, membership switch, tokens."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from .. import audit, policy, second_factor, selectors
from ..forms import (
    APITokenForm,
    InvitationAcceptForm,
    LoginForm,
    MembershipSwitchForm,
    ReverifyForm,
    TOTPCodeForm,
    TwoFactorChangeForm,
    TwoFactorEnrolForm,
)
from ..middleware import MembershipMiddleware, TwoFactorMiddleware
from ..models import User
from ..services import accounts
from ..services.organizations import InvitationError, invitation_accept, invitation_for_token

PENDING_USER_KEY = "renkei_pending_user"
PENDING_NEXT_KEY = "renkei_pending_next"
SETUP_SECRET_KEY = "renkei_totp_setup_secret"  # noqa: S105 (a session key name)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _complete_login(request, user: User, *, two_factor_passed: bool, next_url: str):
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[TwoFactorMiddleware.SESSION_KEY] = two_factor_passed
    second_factor.mark_recent(request)  # the password (and the code, when there is a device) just now
    accounts.login_succeeded(user=user)
    if not two_factor_passed and accounts.requires_two_factor(user):
        return redirect("core:two_factor_setup")
    return redirect(next_url)


@policy.public
@sensitive_post_parameters("password")
def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.login_check_password(request=request, username=form.cleaned_data["username"],
                                                 password=form.cleaned_data["password"])
        except accounts.LoginThrottled:
            form.add_error(None, _("Too many failed attempts. Wait a while before trying again."))
        else:
            if user is None:
                form.add_error(None, _("The e-mail address or password is not correct."))
            elif accounts.has_two_factor(user):
                request.session.cycle_key()
                request.session[PENDING_USER_KEY] = user.pk
                request.session[PENDING_NEXT_KEY] = _safe_next(request, reverse("core:home"))
                return redirect("core:login_verify")
            else:
                return _complete_login(request, user, two_factor_passed=False,
                                       next_url=_safe_next(request, reverse("core:home")))
    return render(request, "core/login.html", {"form": form, "next": request.GET.get("next", "")},
                  status=400 if form.errors else 200)


def _totp_verify_as(user: User, code: str) -> bool:
    # Not logged in yet: bind the user so the device update and any failure are attributed to them.
    with audit.bind(user_id=user.pk, user_label=user.email):
        return accounts.totp_verify(user=user, code=code)


@policy.public
def login_verify_view(request):
    user = selectors.pending_two_factor_user(request.session.get(PENDING_USER_KEY))
    if user is None:
        return redirect("core:login")
    form = TOTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if accounts.is_login_throttled(username=user.email, ip_address=audit.current_context().ip_address):
            form.add_error(None, _("Too many failed attempts. Wait a while before trying again."))
        elif _totp_verify_as(user, form.cleaned_data["code"]):
            next_url = request.session.pop(PENDING_NEXT_KEY, reverse("core:home"))
            request.session.pop(PENDING_USER_KEY, None)
            return _complete_login(request, user, two_factor_passed=True, next_url=next_url)
        else:
            form.add_error("code", _("That code is not correct or has already been used."))
    return render(request, "core/login_verify.html", {"form": form}, status=400 if form.errors else 200)


@policy.public
def logout_view(request):
    """Anyone logged in may log out, with or without an active membership."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if request.user.is_authenticated:
        audit.record(action="logout", obj=request.user)
        logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("core:login")


def two_factor_setup_view(request):
    """Set up or replace an authenticator app. Reachable while logged in but before the second factor is passed.

    Replacing needs the current password and a current code. A first authenticator for a role that needs
    one needs an enrolment issued by an administrator (invitation, reset with a one-time code): a session
    that only knows the password cannot add an attacker's phone.
    """
    if not request.user.is_authenticated:
        return redirect("core:login")
    user = request.user
    replacing = accounts.has_two_factor(user)
    enrolment = None if replacing or not accounts.requires_two_factor(user) else accounts.open_enrolment(user)
    if not replacing and accounts.requires_two_factor(user) and enrolment is None:
        return render(request, "core/two_factor_setup.html", {"needs_administrator": True, "is_required": True})
    secret = request.session.get(SETUP_SECRET_KEY) or accounts.new_totp_secret()
    request.session[SETUP_SECRET_KEY] = secret
    if replacing:
        form = TwoFactorChangeForm(request.POST or None)
    else:
        form = TwoFactorEnrolForm(request.POST or None, needs_enrolment_code=bool(enrolment and enrolment.code_hash))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if replacing:
                accounts.totp_change(user=user, password=data["password"], current_code=data["current_code"],
                                     secret=secret, code=data["code"])
            else:
                accounts.totp_enroll(user=user, secret=secret, code=data["code"],
                                     enrolment_code=data.get("enrolment_code", ""))
        except accounts.EnrolmentRefused as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            request.session.pop(SETUP_SECRET_KEY, None)
            request.session[TwoFactorMiddleware.SESSION_KEY] = True
            second_factor.mark_recent(request)
            messages.success(request, _("Your new authenticator is in use.") if replacing
                             else _("Two-factor authentication is now on for your account."))
            return redirect("core:home")
    uri = accounts.totp_provisioning_uri(user=user, secret=secret)
    return render(request, "core/two_factor_setup.html", {
        "form": form, "secret": secret, "qr_svg": accounts.totp_qr_svg(uri), "replacing": replacing,
        "is_required": accounts.requires_two_factor(user),
    }, status=400 if form.errors else 200)


two_factor_setup_view.policy_public = "login-gate"  # needs a login, but no membership action yet


@policy.public
@sensitive_post_parameters("password1", "password2")
def invitation_accept_view(request, token: str):
    try:
        invitation = invitation_for_token(token)
    except InvitationError as error:
        return render(request, "core/invitation_invalid.html", {"message": str(error)}, status=410)
    existing = selectors.user_by_email(invitation.email)
    form = InvitationAcceptForm(request.POST or None, email=invitation.email, needs_password=existing is None,
                                initial={"display_name": existing.display_name if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept(token=token, display_name=form.cleaned_data["display_name"],
                              kana=form.cleaned_data.get("kana", ""), password=form.cleaned_data.get("password1"))
        except InvitationError as error:
            return render(request, "core/invitation_invalid.html", {"message": str(error)}, status=410)
        messages.success(request, _("Welcome to Renkei. Log in with your e-mail address and password."))
        return redirect("core:login")
    return render(request, "core/invitation_accept.html", {"form": form, "invitation": invitation},
                  status=400 if form.errors else 200)


@policy.requires("core.use_app")
def reverify_view(request):
    """The screen sensitive actions send a GET to: confirm with a code (or the password), then go back."""
    next_url = _safe_next(request, reverse("core:home"))
    uses_code = accounts.has_two_factor(request.user) or accounts.requires_two_factor(request.user)
    form = ReverifyForm(request.POST or None, uses_code=uses_code)
    if request.method == "POST" and second_factor.check_answer(request, form):
        return redirect(next_url)
    return render(request, "core/reverify.html", {
        "form": form, "action": request.get_full_path(), "next": next_url, "uses_code": uses_code,
    }, status=400 if form.errors else 200)


@policy.requires("core.use_app")
def membership_switch_view(request):
    memberships = selectors.memberships_of(request.user)
    form = MembershipSwitchForm(request.POST or None, memberships=memberships)
    if request.method == "POST" and form.is_valid():
        request.session[MembershipMiddleware.KEY] = int(form.cleaned_data["membership"])
        return redirect("core:home")
    return render(request, "core/membership_switch.html", {"form": form, "memberships": memberships})


@policy.requires("core.use_app")
def account_view(request):
    """The person's own page: memberships, two-factor state, API tokens."""
    membership = request.membership
    form = APITokenForm(request.POST or None)
    new_token = None
    if request.method == "POST":
        if "revoke" in request.POST:
            token = selectors.active_api_tokens(membership).filter(pk=request.POST.get("revoke")).first()
            if token:
                accounts.api_token_revoke(token=token)
                messages.success(request, _("The token was revoked."))
            return redirect("core:account")
        if form.is_valid():
            _token, new_token = accounts.api_token_create(membership=membership, name=form.cleaned_data["name"],
                                                          days=form.cleaned_data["days"],
                                                          scope=form.cleaned_data["scope"])
            form = APITokenForm()
    return render(request, "core/account.html", {
        "form": form, "new_token": new_token,
        "tokens": selectors.active_api_tokens(membership),
        "memberships": selectors.memberships_of(request.user),
        "has_two_factor": accounts.has_two_factor(request.user),
    })
