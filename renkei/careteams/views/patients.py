"""Patients and care team screens: my patients, register, find (and ask to join), the summary, edit, key
people, the team page (add, invite, end, family, other network) and the join requests for my teams.

Thin: parse, ask the policy (decorators), call a service or a selector, render. Team changes ask for the
second factor again (`recent_second_factor`).
"""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renkei.core import policy
from renkei.core.concurrency import StaleEdit, parse_version, render_conflict
from renkei.core.second_factor import recent_second_factor
from renkei.core.selectors import organization_members, organizations_search

from .. import frame
from ..forms.patients import (
    ExternalLinkForm,
    FindPatientForm,
    JoinDecisionForm,
    JoinRequestForm,
    KeyPersonForm,
    MyPatientsFilterForm,
    PatientForm,
    PatientRegisterForm,
    PatientStatusForm,
    TeamFamilyForm,
    TeamInviteForm,
    TeamMemberAddForm,
    TeamMemberEndForm,
)
from ..models import CareTeam, CareTeamMember, KeyPerson, TeamJoinRequest
from ..selectors import find_patient, key_people_of, my_patients, patient_or_404, record_read
from ..selectors.patients import PATIENT_DETAILS
from ..selectors.teams import (
    join_request_for,
    member_of_team,
    my_roles,
    organization_to_add,
    pending_join_requests,
    professional_of,
    team_of,
    team_sizes,
)
from ..services import patients as patient_services
from ..services import teams as team_services

frame.register_tab("summary", gettext_lazy("Summary"), "careteams:patient_detail", "careteams.view_patient", 10)
frame.register_tab("team", gettext_lazy("Care team"), "careteams:team", "careteams.view_patient", 30)

ORGANIZATION_RESULTS = 20


def _patient(request, patient_id, **kwargs):
    return patient_or_404(patient_id)


def _context(request, patient, tab: str, **extra) -> dict:
    return {"patient": patient, "tab": tab, "membership": request.membership, **extra}


# --- my patients, register, find ---------------------------------------------------------------------------

@policy.requires("careteams.list_patients")
def my_patients_view(request):
    form = MyPatientsFilterForm(request.GET or None)
    q = status = ""
    if form.is_valid():
        q, status = form.cleaned_data["q"].strip(), form.cleaned_data["status"]
    patients = my_patients(request.membership, q=q, status=status)
    ids = [p.pk for p in patients]
    sizes, roles = team_sizes(ids), my_roles(request.membership, ids)
    rows = [{"patient": p, "team_size": sizes.get(p.pk, 0), "my_role": roles.get(p.pk, "")} for p in patients]
    template = "careteams/patients/_rows.html" if getattr(request, "htmx", False) else "careteams/patients/list.html"
    return render(request, template, {"form": form, "rows": rows, "filtered": bool(q or status)})


@policy.requires("careteams.register_patient")
def patient_register_view(request):
    form = PatientRegisterForm(request.POST or None, initial=_prefill(request.GET))
    if request.method == "POST" and form.is_valid():
        try:
            patient = patient_services.patient_register(by=request.membership, values=form.values(),
                                                        role=form.cleaned_data["my_role"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Registered. Next, add the care team and record the consent."))
            return redirect("careteams:team", patient_id=patient.pk)
    return render(request, "careteams/patients/form.html", {"form": form, "created": True},
                  status=400 if form.errors else 200)


def _prefill(query) -> dict:
    """What the find form already knew, so "not found: register" does not ask twice."""
    return {k: query.get(k, "")[:160] for k in ("name", "kana", "birth_date", "care_insured_number")
            if query.get(k)}


@policy.requires("careteams.find_patient")
def patient_find_view(request):
    form = FindPatientForm(request.GET or None)
    result = join_form = None
    if request.GET and form.is_valid():
        result = find_patient(request.membership, **form.cleaned_data)
        if result.exists_elsewhere_team_id:
            join_form = JoinRequestForm(initial={"team": result.exists_elsewhere_team_id})
    return render(request, "careteams/patients/find.html", {
        "form": form, "result": result, "join_form": join_form,
        "register_query": request.GET.urlencode() if request.GET else ""}, status=400 if form.errors else 200)


@policy.requires("careteams.request_join")
def request_join_view(request):
    if request.method != "POST":
        return redirect("careteams:patient_find")
    form = JoinRequestForm(request.POST)
    if form.is_valid():
        # The same answer whatever happened: nothing is revealed about which teams exist.
        with contextlib.suppress(CareTeam.DoesNotExist, ValidationError):
            team_services.request_join(by=request.membership, team_id=form.cleaned_data["team"],
                                       role=form.cleaned_data["role"], message=form.cleaned_data["message"])
        messages.success(request, _("Your request was sent to the team. You will see the patient once they "
                                    "accept it and a consent covers you."))
        return redirect("careteams:my_patients")
    return render(request, "careteams/patients/find.html", {"form": FindPatientForm(), "join_form": form},
                  status=400)


# --- one patient -------------------------------------------------------------------------------------------

@policy.requires("careteams.view_patient", get_object=_patient)
def patient_detail_view(request, patient_id, obj):
    record_read(obj, what=PATIENT_DETAILS, permission="careteams.view_patient")
    team = team_of(obj, record=False)
    return render(request, "careteams/patients/detail.html", _context(
        request, obj, "summary", key_people=key_people_of(obj), team=team,
        care_level_current=patient_services.care_level_is_current(obj),
        may_edit=policy.check(request.membership, "careteams.edit_patient", obj),
        status_form=PatientStatusForm(initial={"status": "ended" if obj.status == "active" else "active",
                                               "version": obj.version})))


@policy.requires("careteams.edit_patient", get_object=_patient)
def patient_edit_view(request, patient_id, obj):
    if request.method == "GET":
        record_read(obj, what=PATIENT_DETAILS, permission="careteams.edit_patient")
    form = PatientForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        try:
            patient_services.patient_update(by=request.membership, patient=obj, values=form.values(),
                                            expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            stored = patient_or_404(obj.pk)
            return render_conflict(request, "careteams/patients/form.html",
                                   _context(request, stored, "summary", created=False), form=form,
                                   current_form=PatientForm(instance=stored), stale=stale,
                                   rebind=lambda data: PatientForm(data, instance=stored))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("careteams:patient_detail", patient_id=obj.pk)
    return render(request, "careteams/patients/form.html", _context(request, obj, "summary", form=form,
                                                                     created=False),
                  status=400 if form.errors else 200)


@policy.requires("careteams.edit_patient", get_object=_patient)
def patient_status_view(request, patient_id, obj):
    if request.method != "POST":
        return redirect("careteams:patient_detail", patient_id=obj.pk)
    form = PatientStatusForm(request.POST)
    if form.is_valid():
        try:
            patient_services.patient_status_set(by=request.membership, patient=obj,
                                                status=form.cleaned_data["status"],
                                                expected_version=parse_version(form.cleaned_data.get("version")))
        except StaleEdit:
            messages.error(request, _("Someone changed this patient in the meantime. Check and try again."))
        else:
            messages.success(request, _("Saved."))
    return redirect("careteams:patient_detail", patient_id=obj.pk)


def _key_person(patient, key_person_id) -> KeyPerson:
    try:
        return patient.key_people.get(pk=int(key_person_id))
    except (KeyPerson.DoesNotExist, ValueError, OverflowError) as exc:
        raise Http404 from exc


@policy.requires("careteams.edit_patient", get_object=_patient)
def key_person_edit_view(request, patient_id, obj, key_person_id=None):
    key_person = _key_person(obj, key_person_id) if key_person_id is not None else None
    form = KeyPersonForm(request.POST or None, instance=key_person)
    if request.method == "POST" and form.is_valid():
        try:
            patient_services.key_person_save(by=request.membership, patient=obj, values=form.values(),
                                             key_person=key_person)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("careteams:patient_detail", patient_id=obj.pk)
    if request.method == "GET" and key_person is not None:
        record_read(obj, what=gettext_lazy("key person"), permission="careteams.edit_patient")
    return render(request, "careteams/patients/key_person_form.html",
                  _context(request, obj, "summary", form=form, key_person=key_person),
                  status=400 if form.errors else 200)


@policy.requires("careteams.edit_patient", get_object=_patient)
def key_person_remove_view(request, patient_id, obj, key_person_id):
    key_person = _key_person(obj, key_person_id)
    if request.method == "POST":
        patient_services.key_person_remove(by=request.membership, key_person=key_person)
        messages.success(request, _("Removed."))
        return redirect("careteams:patient_detail", patient_id=obj.pk)
    return render(request, "careteams/patients/key_person_remove.html",
                  _context(request, obj, "summary", key_person=key_person))


# --- the team ----------------------------------------------------------------------------------------------

def _organization_choice(request):
    """The organization picked on the team page (`?organization=`), or None."""
    raw = request.GET.get("organization") or request.POST.get("organization") or ""
    return organization_to_add(raw) if raw.isdecimal() and len(raw) < 19 else None


def _people_of(organization) -> list[tuple[int, str]]:
    from renkei.core.models import Role

    if organization is None:
        return []
    return [(m.pk, f"{m.user.display_name}（{m.get_profession_display() or m.get_role_display()}）")
            for m in organization_members(organization, include_inactive=False).filter(role=Role.PROFESSIONAL)]


def _team_page(request, patient, *, status: int = 200, **forms_given):
    organization = _organization_choice(request)
    q = (request.GET.get("q") or "").strip()[:80]
    organizations = list(organizations_search(q=q)[:ORGANIZATION_RESULTS]) if q else []
    may_manage = policy.check(request.membership, "careteams.manage_team", patient)
    team = team_of(patient)
    forms = {
        "add_form": TeamMemberAddForm(initial={"organization": organization.pk if organization else None},
                                      people=_people_of(organization)),
        "invite_form": TeamInviteForm(initial={"organization": organization.pk if organization else None}),
        "family_form": TeamFamilyForm(),
        "link_form": ExternalLinkForm(initial={"external_network": team.team.external_network,
                                               "external_url": team.team.external_url}),
        **forms_given,
    }
    return render(request, "careteams/patients/team.html", _context(
        request, patient, "team", team=team, may_manage=may_manage, organization=organization,
        organizations=organizations, q=q, **forms), status=status)


@policy.requires("careteams.view_patient", get_object=_patient)
def team_view(request, patient_id, obj):
    return _team_page(request, obj)


def _team_write(view):
    """A team change: POST, the policy's manage_team, a recent second factor."""
    return policy.requires("careteams.manage_team", get_object=_patient)(recent_second_factor(view))


@_team_write
def team_member_add_view(request, patient_id, obj):
    if request.method != "POST":
        return redirect("careteams:team", patient_id=obj.pk)
    organization = _organization_choice(request)
    form = TeamMemberAddForm(request.POST, people=_people_of(organization))
    if form.is_valid():
        data = form.cleaned_data
        membership = professional_of(data["organization"], data["membership"]) if data["membership"] else None
        try:
            team_services.team_member_add(by=request.membership, team=obj.care_team, role=data["role"],
                                          organization=data["organization"], membership=membership,
                                          started_on=data["started_on"], ended_on=data["ended_on"],
                                          phone=data["phone"], email=data["email"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Added to the team."))
            return redirect("careteams:team", patient_id=obj.pk)
    return _team_page(request, obj, status=400, add_form=form)


@_team_write
def team_member_invite_view(request, patient_id, obj):
    if request.method != "POST":
        return redirect("careteams:team", patient_id=obj.pk)
    form = TeamInviteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            team_services.team_member_invite(by=request.membership, team=obj.care_team, role=data["role"],
                                             organization=data["organization"], email=data["email"],
                                             person_name=data["person_name"], profession=data["profession"],
                                             base_url=request.build_absolute_uri("/")[:-1])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The invitation was sent. They join the team when they accept it."))
            return redirect("careteams:team", patient_id=obj.pk)
    return _team_page(request, obj, status=400, invite_form=form)


@_team_write
def team_family_add_view(request, patient_id, obj):
    if request.method != "POST":
        return redirect("careteams:team", patient_id=obj.pk)
    form = TeamFamilyForm(request.POST)
    if form.is_valid():
        try:
            team_services.team_family_add(by=request.membership, team=obj.care_team, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Added to the team."))
            return redirect("careteams:team", patient_id=obj.pk)
    return _team_page(request, obj, status=400, family_form=form)


@_team_write
def team_member_end_view(request, patient_id, obj):
    if request.method != "POST":
        return redirect("careteams:team", patient_id=obj.pk)
    form = TeamMemberEndForm(request.POST)
    if not form.is_valid():
        return _team_page(request, obj, status=400)
    try:
        member = member_of_team(obj, form.cleaned_data["member"])
    except CareTeamMember.DoesNotExist as exc:
        raise Http404 from exc
    team_services.team_member_end(by=request.membership, member=member, ended_on=form.cleaned_data["ended_on"])
    messages.success(request, _("The membership was ended."))
    return redirect("careteams:team", patient_id=obj.pk)


@_team_write
def team_link_view(request, patient_id, obj):
    if request.method != "POST":
        return redirect("careteams:team", patient_id=obj.pk)
    form = ExternalLinkForm(request.POST)
    if form.is_valid():
        team_services.team_external_link_set(by=request.membership, team=obj.care_team, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("careteams:team", patient_id=obj.pk)
    return _team_page(request, obj, status=400, link_form=form)


# --- join requests for my teams ------------------------------------------------------------------------------

@policy.requires("careteams.list_patients")
def join_request_list_view(request):
    if request.method == "POST":
        return _decide(request)
    return render(request, "careteams/patients/join_requests.html",
                  {"join_requests": pending_join_requests(request.membership), "decision_form": JoinDecisionForm()})


@recent_second_factor
def _decide(request):
    form = JoinDecisionForm(request.POST)
    raw = request.POST.get("join_request", "")
    if not form.is_valid() or not raw.isdecimal():
        return redirect("careteams:join_request_list")
    try:
        join_request = join_request_for(request.membership, raw)
    except TeamJoinRequest.DoesNotExist as exc:
        raise Http404 from exc
    try:
        team_services.team_join_request_decide(by=request.membership, join_request=join_request,
                                               accept=form.cleaned_data["decision"] == "accept")
    except ValidationError:
        messages.error(request, _("This request has already been decided."))
    else:
        messages.success(request, _("Accepted: they are on the team now.") if form.cleaned_data["decision"]
                         == "accept" else _("Declined."))
    return redirect(reverse("careteams:join_request_list"))


urlpatterns = [
    path("", my_patients_view, name="my_patients"),
    path("new/", patient_register_view, name="patient_register"),
    path("find/", patient_find_view, name="patient_find"),
    path("find/join/", request_join_view, name="request_join"),
    path("join-requests/", join_request_list_view, name="join_request_list"),
    path("<int:patient_id>/", patient_detail_view, name="patient_detail"),
    path("<int:patient_id>/edit/", patient_edit_view, name="patient_edit"),
    path("<int:patient_id>/status/", patient_status_view, name="patient_status"),
    path("<int:patient_id>/key-people/new/", key_person_edit_view, name="key_person_add"),
    path("<int:patient_id>/key-people/<int:key_person_id>/", key_person_edit_view, name="key_person_edit"),
    path("<int:patient_id>/key-people/<int:key_person_id>/remove/", key_person_remove_view,
         name="key_person_remove"),
    path("<int:patient_id>/team/", team_view, name="team"),
    path("<int:patient_id>/team/add/", team_member_add_view, name="team_member_add"),
    path("<int:patient_id>/team/invite/", team_member_invite_view, name="team_member_invite"),
    path("<int:patient_id>/team/family/", team_family_add_view, name="team_family_add"),
    path("<int:patient_id>/team/end/", team_member_end_view, name="team_member_end"),
    path("<int:patient_id>/team/link/", team_link_view, name="team_link"),
]
