"""Organizations, memberships and e-mailed invitations."""

import datetime as dt
import hashlib
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from renkei.core.models import AuditEntry, Invitation, Membership, Organization, Role, User
from renkei.core.services.organizations import (
    InvitationError,
    invitation_accept,
    invitation_for_token,
    invitation_revoke,
    invitation_send,
    membership_deactivate,
    roles_grantable_by,
    user_deactivate,
)

from ..factories import PASSWORD, MembershipFactory, OrganizationFactory, UserFactory

TOKEN_IN_LINK = re.compile(r"/invitation/([^/\s]+)/")


@pytest.fixture
def staff(make_membership, municipal_office):
    return make_membership(Role.MUNICIPAL_STAFF, organization=municipal_office)


@pytest.fixture
def clinic(municipality):
    return OrganizationFactory(kind=Organization.Kind.CLINIC, name="大江診療所", municipality=municipality)


def _send(staff, clinic, email="new.doctor@example.jp", role=Role.PROFESSIONAL, **kwargs):
    return invitation_send(invited_by=staff, organization=clinic, email=email, role=role, profession="doctor",
                           base_url="https://renkei.example.jp", **kwargs)


def _token(link: str) -> str:
    return TOKEN_IN_LINK.search(link).group(1)


def test_invitation_send_emails_the_link_to_the_invited_person(staff, clinic):
    _invitation, link = _send(staff, clinic, email=" New.Doctor@Example.jp ")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.doctor@example.jp"]
    assert link.startswith("https://renkei.example.jp/invitation/")
    assert link in mail.outbox[0].body
    assert "大江診療所" in mail.outbox[0].subject


def test_invitation_stores_only_a_hash_of_the_token(staff, clinic):
    invitation, link = _send(staff, clinic)
    token = _token(link)
    invitation.refresh_from_db()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    assert not any(token in str(v) for v in Invitation.objects.values_list().get())


def test_invitation_expires_after_the_configured_days(staff, clinic, settings):
    settings.RENKEI_INVITATION_DAYS = 3
    invitation, _link = _send(staff, clinic)
    expected = timezone.now() + dt.timedelta(days=3)
    assert abs((invitation.expires_at - expected).total_seconds()) < 60


def test_invitation_creation_is_audited_without_the_token_hash(staff, clinic):
    invitation, _link = _send(staff, clinic)
    entry = AuditEntry.objects.get(object_type="core.invitation", object_id=str(invitation.pk),
                                   action=AuditEntry.Action.CREATE)
    assert invitation.token_hash not in str(entry.changes)


def test_accepting_an_invitation_creates_the_user_and_the_membership(staff, clinic):
    invitation, link = _send(staff, clinic)
    membership = invitation_accept(token=_token(link), display_name="大江 一郎", kana="オオエ イチロウ",
                                   password=PASSWORD)
    user = User.objects.get(email="new.doctor@example.jp")
    invitation.refresh_from_db()
    assert (membership.user, membership.organization, membership.role, membership.profession) == (
        user, clinic, Role.PROFESSIONAL, "doctor")
    assert user.display_name == "大江 一郎"
    assert user.check_password(PASSWORD)
    assert invitation.accepted_membership == membership
    assert invitation.accepted_at is not None


def test_an_existing_user_accepting_an_invitation_gets_a_second_membership(staff, clinic):
    user = UserFactory(email="known@example.jp")
    MembershipFactory(user=user)
    _invitation, link = _send(staff, clinic, email="known@example.jp")
    membership = invitation_accept(token=_token(link), display_name="", kana="", password=None)
    assert membership.user == user
    assert user.memberships.count() == 2
    assert User.objects.filter(email="known@example.jp").count() == 1


def test_an_invitation_link_cannot_be_used_twice(staff, clinic):
    _invitation, link = _send(staff, clinic)
    invitation_accept(token=_token(link), display_name="一郎", kana="", password=PASSWORD)
    with translation.override("en"), pytest.raises(InvitationError, match="already been used"):
        invitation_accept(token=_token(link), display_name="一郎", kana="", password=PASSWORD)
    assert Membership.objects.filter(organization=clinic).count() == 1


def test_an_expired_invitation_link_is_refused(staff, clinic):
    invitation, link = _send(staff, clinic)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with translation.override("en"), pytest.raises(InvitationError, match="expired"):
        invitation_accept(token=_token(link), display_name="一郎", kana="", password=PASSWORD)
    assert not User.objects.filter(email="new.doctor@example.jp").exists()


def test_a_revoked_invitation_link_is_refused(staff, clinic):
    invitation, link = _send(staff, clinic)
    invitation_revoke(invitation=invitation)
    with translation.override("en"), pytest.raises(InvitationError, match="withdrawn"):
        invitation_for_token(_token(link))


def test_an_unknown_invitation_link_is_refused(db):
    with translation.override("en"), pytest.raises(InvitationError, match="not valid"):
        invitation_for_token("no-such-token")


def test_a_deactivated_user_cannot_accept_an_invitation(staff, clinic):
    UserFactory(email="gone@example.jp", is_active=False)
    _invitation, link = _send(staff, clinic, email="gone@example.jp")
    with translation.override("en"), pytest.raises(InvitationError, match="deactivated"):
        invitation_accept(token=_token(link), display_name="", kana="", password=None)
    assert not Membership.objects.filter(organization=clinic).exists()


def test_municipal_staff_cannot_invite_a_system_admin(staff, clinic):
    with pytest.raises(PermissionDenied):
        _send(staff, clinic, role=Role.SYSTEM_ADMIN)
    assert not Invitation.objects.exists()
    assert mail.outbox == []
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE, permission="core.grant_system_admin").exists()


def test_a_system_admin_may_invite_another_system_admin(make_membership, clinic):
    admin = make_membership(Role.SYSTEM_ADMIN)
    invitation, _link = _send(admin, clinic, role=Role.SYSTEM_ADMIN)
    assert invitation.role == Role.SYSTEM_ADMIN


def test_roles_grantable_by_municipal_staff_exclude_system_admin(staff):
    roles = [value for value, _label in roles_grantable_by(staff)]
    assert roles == [Role.MUNICIPAL_STAFF, Role.COORDINATOR, Role.PROFESSIONAL, Role.PREFECTURE_STAFF]


def test_roles_grantable_by_a_system_admin_include_system_admin(make_membership):
    admin = make_membership(Role.SYSTEM_ADMIN)
    assert Role.SYSTEM_ADMIN in [value for value, _label in roles_grantable_by(admin)]


def test_membership_deactivate_keeps_the_row_with_an_end_time(staff):
    membership_deactivate(membership=staff)
    staff.refresh_from_db()
    assert staff.is_active is False
    assert staff.ended_at is not None
    assert Membership.objects.filter(pk=staff.pk).exists()


def test_user_deactivate_ends_every_membership_and_blocks_login(staff, make_membership):
    second = make_membership(Role.COORDINATOR, user=staff.user)
    user_deactivate(user=staff.user)
    staff.user.refresh_from_db()
    assert staff.user.is_active is False
    assert staff.user.deactivated_at is not None
    assert list(Membership.objects.filter(pk__in=[staff.pk, second.pk]).values_list("is_active", flat=True)) == [
        False, False]
    assert Membership.objects.filter(user=staff.user, ended_at__isnull=False).count() == 2


# --- screens --------------------------------------------------------------------------------------

def test_municipal_staff_invite_a_member_of_an_organization_in_their_municipality(staff, clinic, login_as):
    response = login_as(staff).post(f"/organizations/{clinic.pk}/invite/", {
        "email": "nurse@example.jp", "role": Role.PROFESSIONAL, "profession": "visiting_nurse"})
    assert response.status_code == 302
    assert response["Location"] == f"/organizations/{clinic.pk}/"
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.organization, invitation.invited_by) == ("nurse@example.jp", clinic, staff)
    assert mail.outbox[0].to == ["nurse@example.jp"]
    assert "http://testserver/invitation/" in mail.outbox[0].body


def test_the_invite_form_refuses_a_bad_email_with_a_form_error(staff, clinic, login_as):
    response = login_as(staff).post(f"/organizations/{clinic.pk}/invite/", {
        "email": "not-an-address", "role": Role.MUNICIPAL_STAFF})
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_the_invite_form_offers_no_system_admin_role_to_municipal_staff(staff, clinic, login_as):
    response = login_as(staff).post(f"/organizations/{clinic.pk}/invite/", {
        "email": "boss@example.jp", "role": Role.SYSTEM_ADMIN})
    assert response.status_code == 400
    assert "role" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_the_invite_form_requires_a_profession_for_professionals(staff, clinic, login_as):
    response = login_as(staff).post(f"/organizations/{clinic.pk}/invite/", {
        "email": "nurse@example.jp", "role": Role.PROFESSIONAL})
    assert response.status_code == 400
    assert "profession" in response.context["form"].errors


def test_municipal_staff_cannot_invite_to_another_municipality(staff, other_municipality, login_as):
    elsewhere = OrganizationFactory(municipality=other_municipality)
    response = login_as(staff).post(f"/organizations/{elsewhere.pk}/invite/", {
        "email": "nurse@example.jp", "role": Role.MUNICIPAL_STAFF})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_the_invitation_page_refuses_mismatched_passwords_and_creates_nothing(staff, clinic, client):
    invitation, link = _send(staff, clinic)
    response = client.post(f"/invitation/{_token(link)}/", {
        "display_name": "大江 一郎", "password1": PASSWORD, "password2": PASSWORD + "x"})
    assert response.status_code == 400
    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(email="new.doctor@example.jp").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_the_invitation_page_refuses_a_weak_password(staff, clinic, client):
    _invitation, link = _send(staff, clinic)
    response = client.post(f"/invitation/{_token(link)}/", {
        "display_name": "大江 一郎", "password1": "password1234", "password2": "password1234"})
    assert response.status_code == 400
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(email="new.doctor@example.jp").exists()


def test_the_invitation_page_creates_the_account_and_sends_the_person_to_login(staff, clinic, client):
    _invitation, link = _send(staff, clinic)
    response = client.post(f"/invitation/{_token(link)}/", {
        "display_name": "大江 一郎", "kana": "オオエ イチロウ", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert Membership.objects.get(user__email="new.doctor@example.jp").organization == clinic


def test_a_used_invitation_link_shows_the_gone_page(staff, clinic, client):
    _invitation, link = _send(staff, clinic)
    invitation_accept(token=_token(link), display_name="一郎", kana="", password=PASSWORD)
    response = client.get(f"/invitation/{_token(link)}/")
    assert response.status_code == 410
