"""Login with throttling, the second factor, idle timeout, password rules and API tokens."""

import contextlib
import datetime as dt
import hashlib
import time
from unittest import mock

import pyotp
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.utils import timezone

from renkei.core import audit, second_factor
from renkei.core.middleware import IdleTimeoutMiddleware, TwoFactorMiddleware
from renkei.core.models import (
    APIToken,
    AuditEntry,
    LoginAttempt,
    Organization,
    Role,
    TOTPDevice,
    TwoFactorEnrolment,
    User,
)
from renkei.core.services.accounts import (
    EnrolmentRefused,
    LoginThrottled,
    api_token_create,
    api_token_revoke,
    is_login_throttled,
    login_check_password,
    login_lockout_lift,
    membership_for_api_token,
    requires_two_factor,
    totp_enroll,
    totp_reset,
    totp_verify,
    two_factor_enrolment_issue,
)
from renkei.core.services.organizations import invitation_accept, invitation_send

from ..factories import PASSWORD, OrganizationFactory, TOTPDeviceFactory

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _login(client: Client, email: str, password: str = PASSWORD):
    return client.post("/login/", {"username": email, "password": password})


@pytest.fixture
def staff(make_membership):
    return make_membership(Role.MUNICIPAL_STAFF)


@pytest.fixture
def professional_with_device(make_membership):
    membership = make_membership(Role.PROFESSIONAL, profession="doctor")
    TOTPDeviceFactory(user=membership.user, secret=SECRET)
    return membership


# --- password and throttling ----------------------------------------------------------------------

def test_the_right_password_logs_in_staff_and_is_audited(staff, client):
    response = _login(client, staff.user.email)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(staff.user.pk)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN, object_id=str(staff.user.pk)).exists()


def test_a_wrong_password_shows_an_error_and_is_audited(staff, client):
    response = _login(client, staff.user.email, "Wrong-Horse-42!")
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED, object_label=staff.user.email).exists()


def test_login_check_password_raises_throttled_after_the_maximum_failures(staff, settings):
    settings.RENKEI_LOGIN_MAX_FAILURES = 3
    request = RequestFactory().post("/login/")
    for _ in range(3):
        assert login_check_password(request=request, username=staff.user.email, password="nope") is None
    with pytest.raises(LoginThrottled):
        login_check_password(request=request, username=staff.user.email, password=PASSWORD)


def test_throttling_counts_the_account_whatever_case_the_address_is_typed_in(staff, settings):
    settings.RENKEI_LOGIN_MAX_FAILURES = 2
    request = RequestFactory().post("/login/")
    login_check_password(request=request, username=staff.user.email.upper(), password="nope")
    login_check_password(request=request, username=f" {staff.user.email} ", password="nope")
    assert is_login_throttled(username=staff.user.email, ip_address=None)


def test_throttling_counts_failures_from_one_address_across_accounts(db, settings):
    settings.RENKEI_LOGIN_MAX_FAILURES_PER_IP = 3
    request = RequestFactory().post("/login/")
    with audit.bind(ip_address="192.0.2.7"):
        for n in range(3):
            login_check_password(request=request, username=f"guess{n}@example.jp", password="nope")
    assert is_login_throttled(username="someone.else@example.jp", ip_address="192.0.2.7")
    assert not is_login_throttled(username="someone.else@example.jp", ip_address="192.0.2.8")


@contextlib.contextmanager
def _at(moment):
    """Pretend it is `moment` for the shared (database) cache and the services."""
    with mock.patch("django.core.cache.backends.db.tz_now", return_value=moment), \
            mock.patch("django.utils.timezone.now", return_value=moment), \
            mock.patch("django.core.cache.backends.base.time.time", return_value=moment.timestamp()):
        yield


def _fail_logins(username: str, ip_address: str | None, times: int) -> None:
    request = RequestFactory().post("/login/")
    with audit.bind(ip_address=ip_address):
        for _ in range(times):
            assert login_check_password(request=request, username=username, password="nope") is None


def test_old_failures_stop_counting_after_the_lock_period(staff, settings):
    settings.RENKEI_LOGIN_MAX_FAILURES = 1
    _fail_logins(staff.user.email, "192.0.2.7", 1)
    assert is_login_throttled(username=staff.user.email, ip_address="192.0.2.7")
    later = timezone.now() + dt.timedelta(seconds=settings.RENKEI_LOGIN_LOCK_SECONDS + 1)
    with _at(later):
        assert not is_login_throttled(username=staff.user.email, ip_address="192.0.2.7")


def test_the_lock_period_counts_from_the_latest_failure(staff, settings):
    settings.RENKEI_LOGIN_MAX_FAILURES = 2
    settings.RENKEI_LOGIN_LOCK_SECONDS = 600
    _fail_logins(staff.user.email, "192.0.2.7", 1)
    later = timezone.now() + dt.timedelta(seconds=400)
    with _at(later):
        _fail_logins(staff.user.email, "192.0.2.7", 1)
    # 700 s after the first failure, 300 s after the second: still locked (the counter was not reset to
    # the cache's default lifetime by the second failure).
    with _at(later + dt.timedelta(seconds=300)):
        assert is_login_throttled(username=staff.user.email, ip_address="192.0.2.7")
    with _at(later + dt.timedelta(seconds=601)):
        assert not is_login_throttled(username=staff.user.email, ip_address="192.0.2.7")


def test_an_attacker_elsewhere_cannot_lock_the_owner_out_from_her_own_address(staff, settings):
    settings.RENKEI_LOGIN_MAX_FAILURES = 3
    _fail_logins(staff.user.email, "203.0.113.66", 3)
    assert is_login_throttled(username=staff.user.email, ip_address="203.0.113.66")
    assert not is_login_throttled(username=staff.user.email, ip_address="192.0.2.7")
    request = RequestFactory().post("/login/")
    with audit.bind(ip_address="192.0.2.7"):
        assert login_check_password(request=request, username=staff.user.email, password=PASSWORD) == staff.user


def test_an_administrator_can_lift_a_lockout_for_every_address(staff, settings):
    settings.RENKEI_LOGIN_MAX_FAILURES = 2
    _fail_logins(staff.user.email, "192.0.2.7", 2)
    _fail_logins(staff.user.email, "192.0.2.8", 2)
    login_lockout_lift(user=staff.user)
    assert not is_login_throttled(username=staff.user.email, ip_address="192.0.2.7")
    assert not is_login_throttled(username=staff.user.email, ip_address="192.0.2.8")
    assert AuditEntry.objects.filter(object_id=str(staff.user.pk), reason="login lockout lifted").exists()


def test_the_lift_button_is_for_system_administrators_only(staff, make_membership, login_as, settings):
    settings.RENKEI_LOGIN_MAX_FAILURES = 1
    _fail_logins(staff.user.email, "127.0.0.1", 1)
    assert is_login_throttled(username=staff.user.email, ip_address="127.0.0.1")
    url = f"/users/{staff.user.pk}/login-lockout/lift/"
    assert login_as(make_membership(Role.MUNICIPAL_STAFF)).post(url).status_code == 403
    assert is_login_throttled(username=staff.user.email, ip_address="127.0.0.1")
    response = login_as(make_membership(Role.SYSTEM_ADMIN)).post(url)
    assert response.status_code == 302
    assert not is_login_throttled(username=staff.user.email, ip_address="127.0.0.1")


def test_wrong_second_factor_codes_count_towards_the_lockout(professional_with_device, client, settings):
    settings.RENKEI_LOGIN_MAX_FAILURES = 2
    _login(client, professional_with_device.user.email)
    code = pyotp.TOTP(SECRET).now()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(2):
        assert client.post("/login/verify/", {"code": wrong}).status_code == 400
    response = client.post("/login/verify/", {"code": code})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_login_page_refuses_even_the_right_password_once_throttled(staff, client, settings):
    for _ in range(settings.RENKEI_LOGIN_MAX_FAILURES):
        assert _login(client, staff.user.email, "Wrong-Horse-42!").status_code == 400
    response = _login(client, staff.user.email)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session
    # A throttled try does not even reach the password check.
    assert LoginAttempt.objects.filter(username=staff.user.email).count() == settings.RENKEI_LOGIN_MAX_FAILURES
    assert not LoginAttempt.objects.filter(succeeded=True).exists()


# --- the second factor ----------------------------------------------------------------------------

def test_a_user_with_a_device_is_asked_for_a_code_before_being_logged_in(professional_with_device, client):
    response = _login(client, professional_with_device.user.email)
    assert response.status_code == 302
    assert response["Location"] == "/login/verify/"
    assert "_auth_user_id" not in client.session


def test_a_correct_code_completes_the_login(professional_with_device, client):
    _login(client, professional_with_device.user.email)
    response = client.post("/login/verify/", {"code": pyotp.TOTP(SECRET).now()})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(professional_with_device.user.pk)
    assert client.session[TwoFactorMiddleware.SESSION_KEY] is True
    assert client.session[second_factor.SESSION_KEY] >= int(time.time()) - 5
    assert client.get("/").status_code == 200


def test_a_wrong_code_is_refused_and_audited(professional_with_device, client):
    _login(client, professional_with_device.user.email)
    code = pyotp.TOTP(SECRET).now()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post("/login/verify/", {"code": wrong})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED, reason="two-factor code").exists()


def test_the_same_code_cannot_be_used_twice(professional_with_device, client):
    code = pyotp.TOTP(SECRET).now()
    _login(client, professional_with_device.user.email)
    assert client.post("/login/verify/", {"code": code}).status_code == 302
    other = Client()
    _login(other, professional_with_device.user.email)
    response = other.post("/login/verify/", {"code": code})
    assert response.status_code == 400
    assert "_auth_user_id" not in other.session


def test_totp_verify_accepts_a_code_once(professional_with_device):
    user = professional_with_device.user
    code = pyotp.TOTP(SECRET).now()
    assert totp_verify(user=user, code=code) is True
    assert totp_verify(user=user, code=code) is False
    assert TOTPDevice.objects.get(user=user).last_used_step >= int(time.time()) // 30 - 1


def test_totp_verify_refuses_a_user_without_a_confirmed_device(professional_with_device):
    TOTPDevice.objects.filter(user=professional_with_device.user).update(confirmed_at=None)
    assert totp_verify(user=professional_with_device.user, code=pyotp.TOTP(SECRET).now()) is False


def test_roles_that_see_patient_data_require_a_second_factor(make_membership):
    assert requires_two_factor(make_membership(Role.COORDINATOR).user)
    assert requires_two_factor(make_membership(Role.PROFESSIONAL).user)
    assert requires_two_factor(make_membership(Role.SYSTEM_ADMIN).user)
    assert not requires_two_factor(make_membership(Role.MUNICIPAL_STAFF).user)
    assert not requires_two_factor(make_membership(Role.PREFECTURE_STAFF).user)


def test_a_coordinator_without_a_device_is_sent_to_set_one_up_after_login(make_membership, client):
    coordinator = make_membership(Role.COORDINATOR)
    response = _login(client, coordinator.user.email)
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/"


@pytest.mark.parametrize("path", ["/", "/organizations/", "/places/", "/account/", "/audit/"])
def test_a_coordinator_without_a_device_is_redirected_from_every_page(make_membership, client, path):
    coordinator = make_membership(Role.COORDINATOR)
    client.force_login(coordinator.user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/"


def test_a_coordinator_can_enrol_an_authenticator_and_then_use_the_app(make_membership, client):
    coordinator = make_membership(Role.COORDINATOR)
    two_factor_enrolment_issue(user=coordinator.user, reason=TwoFactorEnrolment.Reason.INVITATION)
    client.force_login(coordinator.user)
    assert client.get("/account/two-factor/").status_code == 200
    secret = client.session["renkei_totp_setup_secret"]
    response = client.post("/account/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert TOTPDevice.objects.get(user=coordinator.user).secret == secret
    assert client.get("/").status_code == 200


# --- setting up, replacing and resetting the second factor -----------------------------------------

NEW_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"


def _setup_secret(client) -> str:
    assert client.get("/account/two-factor/").status_code == 200
    return client.session["renkei_totp_setup_secret"]


def test_a_coordinator_cannot_set_up_a_first_device_from_a_password_only_session(make_membership, client):
    coordinator = make_membership(Role.COORDINATOR)
    _login(client, coordinator.user.email)  # the password only: an attacker who guessed it would be here
    response = client.get("/account/two-factor/")
    assert response.status_code == 200
    assert response.context["needs_administrator"] is True
    assert "qr_svg" not in response.context
    session = client.session
    session["renkei_totp_setup_secret"] = NEW_SECRET
    session.save()
    client.post("/account/two-factor/", {"code": pyotp.TOTP(NEW_SECRET).now()})
    assert not TOTPDevice.objects.filter(user=coordinator.user).exists()
    assert client.get("/").status_code == 302  # still held at the gate
    with pytest.raises(EnrolmentRefused):
        totp_enroll(user=coordinator.user, secret=NEW_SECRET, code=pyotp.TOTP(NEW_SECRET).now())


def test_accepting_an_invitation_issues_the_first_set_up_of_a_role_that_needs_it(make_membership, municipality):
    staff = make_membership(Role.MUNICIPAL_STAFF)
    clinic = OrganizationFactory(kind=Organization.Kind.CLINIC, municipality=municipality)
    _invitation, link = invitation_send(invited_by=staff, organization=clinic, email="new.doctor@example.jp",
                                        role=Role.PROFESSIONAL, profession="doctor")
    membership = invitation_accept(token=link.rstrip("/").rsplit("/", 1)[-1], display_name="新 医師", kana="",
                                   password=PASSWORD)
    enrolment = TwoFactorEnrolment.objects.get(user=membership.user)
    assert enrolment.reason == TwoFactorEnrolment.Reason.INVITATION
    assert enrolment.issued_by == staff.user
    assert enrolment.code_hash == ""
    totp_enroll(user=membership.user, secret=NEW_SECRET, code=pyotp.TOTP(NEW_SECRET).now())
    enrolment.refresh_from_db()
    assert enrolment.used_at is not None
    assert TOTPDevice.objects.get(user=membership.user).secret == NEW_SECRET


def test_an_issued_set_up_is_used_once(make_membership):
    coordinator = make_membership(Role.COORDINATOR)
    two_factor_enrolment_issue(user=coordinator.user, reason=TwoFactorEnrolment.Reason.INVITATION)
    totp_enroll(user=coordinator.user, secret=NEW_SECRET, code=pyotp.TOTP(NEW_SECRET).now())
    TOTPDevice.objects.filter(user=coordinator.user).delete()  # as if lost, without an administrator's reset
    with pytest.raises(EnrolmentRefused):
        totp_enroll(user=coordinator.user, secret=SECRET, code=pyotp.TOTP(SECRET).now())


def test_the_first_administrator_made_on_the_server_may_set_up_an_authenticator(municipality, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("RENKEI_ADMIN_PASSWORD", "First-Admin-Pass-7!")
    call_command("create-admin", "chief@city.example.jp", municipality.code)
    user = User.objects.get(email="chief@city.example.jp")
    assert TwoFactorEnrolment.objects.get(user=user).reason == TwoFactorEnrolment.Reason.COMMAND
    totp_enroll(user=user, secret=NEW_SECRET, code=pyotp.TOTP(NEW_SECRET).now())
    assert TOTPDevice.objects.filter(user=user).exists()


def test_staff_whose_role_needs_no_second_factor_may_turn_one_on_themselves(staff, login_as):
    client = login_as(staff)
    secret = _setup_secret(client)
    response = client.post("/account/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=staff.user).secret == secret


def test_replacing_an_authenticator_needs_the_current_password_and_a_current_code(professional_with_device,
                                                                                   login_as):
    client = login_as(professional_with_device)
    secret = _setup_secret(client)
    assert secret != SECRET
    new_code = pyotp.TOTP(secret).now()
    current = pyotp.TOTP(SECRET).now()
    wrong = f"{(int(current) + 1) % 1_000_000:06d}"
    # Without the password, or with a wrong current code, nothing changes.
    response = client.post("/account/two-factor/", {"code": new_code})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"password", "current_code"}
    response = client.post("/account/two-factor/", {"password": "Wrong-Horse-42!", "current_code": current,
                                                    "code": new_code})
    assert response.status_code == 400
    assert "password" in response.context["form"].errors
    response = client.post("/account/two-factor/", {"password": PASSWORD, "current_code": wrong, "code": new_code})
    assert response.status_code == 400
    assert "current_code" in response.context["form"].errors
    assert TOTPDevice.objects.get(user=professional_with_device.user).secret == SECRET
    response = client.post("/account/two-factor/", {"password": PASSWORD, "current_code": current,
                                                    "code": new_code})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=professional_with_device.user).secret == secret
    assert AuditEntry.objects.filter(object_id=str(professional_with_device.user.pk),
                                     reason="authenticator replaced").exists()


def test_an_administrator_reset_gives_a_one_time_code_needed_at_the_next_login(professional_with_device,
                                                                               make_membership, login_as, client):
    person = professional_with_device.user
    admin = login_as(make_membership(Role.SYSTEM_ADMIN))
    response = admin.post(f"/users/{person.pk}/two-factor/reset/")
    assert response.status_code == 200
    code = response.context["code"]
    assert code.encode() in response.content
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert code.replace("-", "") not in str(TwoFactorEnrolment.objects.values_list().get())
    # The person logs in with the password and must re-enrol, with the administrator's code.
    response = _login(client, person.email)
    assert response["Location"] == "/account/two-factor/"
    secret = _setup_secret(client)
    assert "enrolment_code" in client.get("/account/two-factor/").context["form"].fields
    response = client.post("/account/two-factor/", {"enrolment_code": "00000-00000",
                                                    "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 400
    assert "enrolment_code" in response.context["form"].errors
    assert not TOTPDevice.objects.filter(user=person).exists()
    response = client.post("/account/two-factor/", {"enrolment_code": code, "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=person).secret == secret
    assert client.get("/").status_code == 200


def test_a_new_reset_ends_the_code_of_the_previous_one(professional_with_device):
    first = totp_reset(user=professional_with_device.user)
    second = totp_reset(user=professional_with_device.user)
    with pytest.raises(EnrolmentRefused):
        totp_enroll(user=professional_with_device.user, secret=NEW_SECRET, code=pyotp.TOTP(NEW_SECRET).now(),
                    enrolment_code=first)
    totp_enroll(user=professional_with_device.user, secret=NEW_SECRET, code=pyotp.TOTP(NEW_SECRET).now(),
                enrolment_code=second)


def test_wrong_set_up_codes_count_towards_the_lockout(professional_with_device, settings):
    settings.RENKEI_LOGIN_MAX_FAILURES = 2
    user = professional_with_device.user
    code = totp_reset(user=user)
    for _ in range(2):
        with pytest.raises(EnrolmentRefused):
            totp_enroll(user=user, secret=NEW_SECRET, code=pyotp.TOTP(NEW_SECRET).now(), enrolment_code="1")
    with pytest.raises(EnrolmentRefused):  # even the right code, while locked
        totp_enroll(user=user, secret=NEW_SECRET, code=pyotp.TOTP(NEW_SECRET).now(), enrolment_code=code)
    assert not TOTPDevice.objects.filter(user=user).exists()


# --- sessions -------------------------------------------------------------------------------------

def test_an_idle_session_is_logged_out(staff, login_as, settings):
    client = login_as(staff)
    session = client.session
    session[IdleTimeoutMiddleware.KEY] = int(time.time()) - settings.RENKEI_IDLE_TIMEOUT_SECONDS - 60
    session.save()
    response = client.get("/organizations/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Forganizations%2F"
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGOUT, reason="idle timeout").exists()


def test_an_active_session_stays_logged_in(staff, login_as):
    client = login_as(staff)
    session = client.session
    session[IdleTimeoutMiddleware.KEY] = int(time.time()) - 60
    session.save()
    assert client.get("/organizations/").status_code == 200
    assert client.session[IdleTimeoutMiddleware.KEY] >= int(time.time()) - 5


def test_logout_needs_a_post(staff, login_as):
    client = login_as(staff)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


# --- passwords ------------------------------------------------------------------------------------

@pytest.mark.parametrize("weak", ["password1234", "short-Aa1", "abcdefghijklmn", "123456789012345"])
def test_password_validators_reject_weak_passwords(db, weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_password_validators_accept_a_long_mixed_passphrase(db):
    assert validate_password("Correct-Horse-42!") is None


# --- API tokens -----------------------------------------------------------------------------------

def test_an_api_token_is_shown_once_and_stored_as_a_hash(staff):
    token, raw = api_token_create(membership=staff, name="集計スクリプト")
    assert raw.startswith("rk_")
    assert token.prefix == raw[:10]
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(APIToken.objects.values_list().get())


def test_an_api_token_acts_for_its_membership_and_records_its_use(staff):
    token, raw = api_token_create(membership=staff, name="test")
    assert membership_for_api_token(raw) == staff
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_an_api_token_expires_after_its_days(staff):
    token, raw = api_token_create(membership=staff, name="test", days=30)
    assert abs((token.expires_at - timezone.now() - dt.timedelta(days=30)).total_seconds()) < 60
    APIToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert membership_for_api_token(raw) is None


def test_an_api_token_without_days_never_expires(staff):
    token, raw = api_token_create(membership=staff, name="test", days=None)
    assert token.expires_at is None
    assert membership_for_api_token(raw) == staff


def test_a_revoked_api_token_no_longer_works(staff):
    token, raw = api_token_create(membership=staff, name="test")
    api_token_revoke(token=token)
    assert membership_for_api_token(raw) is None


def test_an_unknown_api_token_acts_for_nobody(staff):
    api_token_create(membership=staff, name="test")
    assert membership_for_api_token("rk_not-a-real-token") is None


def test_the_account_page_creates_and_revokes_a_token(staff, login_as):
    client = login_as(staff)
    response = client.post("/account/", {"name": "週次レポート", "days": 7})
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert membership_for_api_token(raw) == staff
    token = APIToken.objects.get(membership=staff)
    assert client.post("/account/", {"revoke": token.pk}).status_code == 302
    assert membership_for_api_token(raw) is None
