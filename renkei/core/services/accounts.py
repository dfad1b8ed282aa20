"""Login, throttling and the lockout, two-factor authentication and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets

import pyotp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit, throttle
from ..concurrency import for_write
from ..models import APIToken, AuditEntry, LoginAttempt, Membership, Role, TOTPDevice, TwoFactorEnrolment, User

# Roles that will see patient data must use a second factor (安全管理ガイドライン: 二要素認証).
TWO_FACTOR_REQUIRED_ROLES = frozenset({Role.COORDINATOR, Role.PROFESSIONAL, Role.SYSTEM_ADMIN})
TOTP_ISSUER = "Renkei"


class LoginThrottled(Exception):
    pass


# --- throttling and the lockout -------------------------------------------------------------------
# Failed tries (wrong password, wrong second-factor code) are counted in the shared cache, per account
# *and* client address: an attacker elsewhere cannot lock the owner out of her own office. A second
# counter per address stops one address from trying many accounts. Both cool off
# RENKEI_LOGIN_LOCK_SECONDS after the latest failure; a system administrator can lift an account's lock.

def _lock_generation(username: str) -> str:
    # Lifting a lock moves the account to a new generation: every address's old counter is left behind.
    return str(cache.get(throttle.key("login-generation", username), 0))


def _account_counter(username: str, ip_address: str | None) -> str:
    username = username.strip().lower()
    return throttle.key("login-failures", username, _lock_generation(username), ip_address or "unknown")


def _address_counter(ip_address: str | None) -> str:
    return throttle.key("login-failures-address", ip_address or "unknown")


def is_login_throttled(*, username: str, ip_address: str | None) -> bool:
    """Too many recent failures for this account from this address, or from this address for any account."""
    if throttle.count(_account_counter(username, ip_address)) >= settings.RENKEI_LOGIN_MAX_FAILURES:
        return True
    return bool(ip_address) and (
        throttle.count(_address_counter(ip_address)) >= settings.RENKEI_LOGIN_MAX_FAILURES_PER_IP
    )


def login_failure_record(*, username: str, ip_address: str | None) -> None:
    """Count a failed try towards the lockout (and keep a LoginAttempt row as history)."""
    username = username.strip().lower()
    seconds = settings.RENKEI_LOGIN_LOCK_SECONDS
    throttle.hit(_account_counter(username, ip_address), seconds=seconds)
    if ip_address:
        throttle.hit(_address_counter(ip_address), seconds=seconds)
    LoginAttempt.objects.create(username=username, ip_address=ip_address, succeeded=False)


def login_lockout_lift(*, user: User) -> None:
    """Let a locked-out person try again at once, from every address (a system administrator's action)."""
    username = user.email.strip().lower()
    generation = throttle.key("login-generation", username)
    cache.set(generation, int(cache.get(generation, 0)) + 1, None)
    audit.record(action=AuditEntry.Action.UPDATE, obj=user, reason="login lockout lifted")


def login_check_password(*, request, username: str, password: str) -> User | None:
    """Check a password with throttling; every try is counted and failures are audited."""
    username = username.strip().lower()
    ip = audit.current_context().ip_address
    if is_login_throttled(username=username, ip_address=ip):
        raise LoginThrottled
    user = authenticate(request, username=username, password=password)
    if user is None:
        login_failure_record(username=username, ip_address=ip)
        audit.record(action=AuditEntry.Action.LOGIN_FAILED, object_type="core.user", object_label=username)
    else:
        LoginAttempt.objects.create(username=username, ip_address=ip, succeeded=True)
    return user


def login_succeeded(*, user: User) -> None:
    with audit.bind(user_id=user.pk, user_label=user.email):
        audit.record(action=AuditEntry.Action.LOGIN, obj=user)


def requires_two_factor(user: User) -> bool:
    return user.memberships.filter(is_active=True, role__in=TWO_FACTOR_REQUIRED_ROLES).exists()


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_provisioning_uri(*, user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)


def totp_qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]  # drop the XML declaration: the SVG is inlined in HTML


def _accepted_step(secret: str, code: str, last_step: int) -> int | None:
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(timezone.now().timestamp()) // totp.interval
    for step in (now_step - 1, now_step, now_step + 1):  # one step of clock drift either way
        if step > last_step and secrets.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def totp_verify(*, user: User, code: str) -> bool:
    """Check a login code; a code is accepted once."""
    with transaction.atomic():
        device = for_write(TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False)).first()
        if device is None:
            return False
        step = _accepted_step(device.secret, code, device.last_used_step)
        if step is None:
            login_failure_record(username=user.email, ip_address=audit.current_context().ip_address)
            audit.record(action=AuditEntry.Action.LOGIN_FAILED, obj=user, reason="two-factor code")
            return False
        device.last_used_step = step
        device.save()
    return True


class EnrolmentRefused(Exception):
    """Why an authenticator was not set up or replaced; `field` names the form field at fault (None: the form)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _hash_code(code: str) -> str:
    return hashlib.sha256("".join(ch for ch in code if ch.isalnum()).upper().encode()).hexdigest()


def open_enrolment(user: User) -> TwoFactorEnrolment | None:
    """The unused, unexpired enrolment issued for the user (the latest), if any."""
    return (TwoFactorEnrolment.objects.filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("-created_at").first())


def may_enrol_without_current_code(user: User) -> bool:
    """A first authenticator: free for roles that do not need one, otherwise only with an issued enrolment."""
    return not has_two_factor(user) and (not requires_two_factor(user) or open_enrolment(user) is not None)


def two_factor_enrolment_issue(*, user: User, reason: str, by: User | None = None,
                               with_code: bool = False) -> tuple[TwoFactorEnrolment, str | None]:
    """Let the user set up an authenticator without a current code; earlier open enrolments end.

    With `with_code`, a one-time code (returned in clear once, stored as a hash) must be typed at set-up:
    the administrator passes it on out of band (phone, in person), never in the same e-mail as a link.
    """
    raw = None
    code_hash = ""
    hours = settings.RENKEI_ENROLMENT_CODE_HOURS if with_code else 24 * settings.RENKEI_INVITATION_DAYS
    if with_code:
        digits = f"{secrets.randbelow(10**10):010d}"
        raw = f"{digits[:5]}-{digits[5:]}"
        code_hash = _hash_code(raw)
    with transaction.atomic():
        TwoFactorEnrolment.objects.filter(user=user, used_at__isnull=True,
                                          expires_at__gt=timezone.now()).update(expires_at=timezone.now())
        enrolment = TwoFactorEnrolment.objects.create(
            user=user, reason=reason, issued_by=by, code_hash=code_hash,
            expires_at=timezone.now() + dt.timedelta(hours=hours))
    return enrolment, raw


def _refuse_and_count(user: User, message: str, field: str | None, reason: str) -> EnrolmentRefused:
    # Outside any transaction: the count must survive the refusal (the cache may be a database table).
    login_failure_record(username=user.email, ip_address=audit.current_context().ip_address)
    audit.record(action=AuditEntry.Action.LOGIN_FAILED, obj=user, reason=reason)
    return EnrolmentRefused(message, field)


def _check_not_throttled(user: User) -> None:
    if is_login_throttled(username=user.email, ip_address=audit.current_context().ip_address):
        raise EnrolmentRefused(_("Too many failed attempts. Wait a while before trying again."))


def totp_enroll(*, user: User, secret: str, code: str, enrolment_code: str = "") -> None:
    """Confirm a first authenticator with its first code (raises EnrolmentRefused).

    Roles that need a second factor must hold an issued enrolment (and type its one-time code when it has
    one); replacing an existing authenticator goes through `totp_change`.
    """
    _check_not_throttled(user)
    if has_two_factor(user):
        raise EnrolmentRefused(_("You already have an authenticator. To replace it, confirm with your password "
                                 "and a code from it."))
    enrolment = None
    if requires_two_factor(user):
        enrolment = open_enrolment(user)
        if enrolment is None:
            raise EnrolmentRefused(_("Your role needs an administrator to issue the set-up of a second factor. "
                                     "Ask your system administrator for a one-time set-up code."))
        if enrolment.code_hash and not secrets.compare_digest(_hash_code(enrolment_code), enrolment.code_hash):
            raise _refuse_and_count(user, _("The one-time set-up code is not correct."), "enrolment_code",
                                    "two-factor set-up code")
    step = _accepted_step(secret, code, 0)
    if step is None:
        raise EnrolmentRefused(_("That code is not correct. Check the time on your phone and try again."), "code")
    with transaction.atomic():
        if enrolment is not None:
            taken = TwoFactorEnrolment.objects.filter(pk=enrolment.pk, used_at__isnull=True).update(
                used_at=timezone.now())
            if not taken:  # used by a parallel request a moment ago
                raise EnrolmentRefused(_("This set-up was already used. Ask your administrator for a new one."))
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now(), last_used_step=step)


def totp_change(*, user: User, password: str, current_code: str, secret: str, code: str) -> None:
    """Replace an authenticator: the current password and a current code first (raises EnrolmentRefused)."""
    _check_not_throttled(user)
    if not has_two_factor(user):
        raise EnrolmentRefused(_("You have no authenticator to replace."))
    if not user.check_password(password):
        raise _refuse_and_count(user, _("The password is not correct."), "password", "two-factor change: password")
    if not totp_verify(user=user, code=current_code):  # counts and audits its own failure
        raise EnrolmentRefused(_("That code is not correct or has already been used."), "current_code")
    step = _accepted_step(secret, code, 0)
    if step is None:
        raise EnrolmentRefused(_("That code is not correct. Check the time on your phone and try again."), "code")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now(), last_used_step=step)
    audit.record(action=AuditEntry.Action.UPDATE, obj=user, reason="authenticator replaced")


def second_factor_reverify(*, user: User, code: str = "", password: str = "") -> bool:
    """Ask again before a sensitive action: a code when the user has an authenticator, else the password.

    Raises LoginThrottled after too many failures; failures count towards the lockout and are audited.
    """
    if is_login_throttled(username=user.email, ip_address=audit.current_context().ip_address):
        raise LoginThrottled
    if has_two_factor(user):
        return totp_verify(user=user, code=code)
    if requires_two_factor(user):
        return False  # authenticator removed (reset) while this session was open: set up a new one first
    if user.check_password(password):
        return True
    _refuse_and_count(user, "", None, "re-verification: password")
    return False


def totp_reset(*, user: User, by: User | None = None) -> str:
    """Remove a user's authenticator (lost phone) and return the one-time code to set up a new one.

    The code is given to the person out of band (phone, in person); without it the next login of a role
    that needs a second factor ends at the set-up screen.
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        _enrolment, code = two_factor_enrolment_issue(user=user, reason=TwoFactorEnrolment.Reason.RESET, by=by,
                                                      with_code=True)
    return code


def api_token_create(*, membership: Membership, name: str, days: int | None = 90,
                     scope: str = APIToken.Scope.FULL) -> tuple[APIToken, str]:
    """Create a bearer token for the API; the clear token is shown once and never stored."""
    raw = "rk_" + secrets.token_urlsafe(32)
    expires = timezone.now() + dt.timedelta(days=days) if days else None
    with transaction.atomic():
        token = APIToken.objects.create(membership=membership, name=name, prefix=raw[:10], scope=scope,
                                        key_hash=hashlib.sha256(raw.encode()).hexdigest(), expires_at=expires)
    return token, raw


def api_token_revoke(*, token: APIToken) -> APIToken:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save()
    return token


def membership_for_api_token(raw: str) -> Membership | None:
    """The membership a bearer token acts for, when the token is valid."""
    token = (APIToken.objects.select_related("membership__user", "membership__organization")
             .filter(key_hash=hashlib.sha256(raw.encode()).hexdigest(), revoked_at__isnull=True).first())
    if token is None or (token.expires_at and token.expires_at <= timezone.now()):
        return None
    APIToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    membership = token.membership
    membership.api_scope = token.scope  # core.policy.check and the API's auth narrow what it may do
    return membership
