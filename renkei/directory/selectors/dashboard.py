"""The directory on the home page: what needs the person's attention first, then the directory's panel.

Attention (`directory_attention`, registered with core.dashboard.register_attention): for staff of a
municipality, answers and proposed corrections to review, entries not confirmed for a year, imports
waiting to be applied and possible duplicates; for professionals, their own organization's entry and how
to update it; for prefecture staff, the state of their municipalities' directories and coverage.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Max
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from renkei.core import policy
from renkei.core.dashboard import INFO, TODO, AttentionItem
from renkei.core.models import Municipality, Organization, Role
from renkei.core.templatetags.renkei import wareki

from ..models import CollaborationDetail, CoverageRun, Facility, SurveyInvitation, SurveyResponse
from .corrections import pending_corrections
from .directory import merge_candidate_count
from .facilities import stale_before
from .imports import waiting_import_runs
from .surveys import pending_reviews, stale_facilities

STALE_MONTHS = 12
MANAGE_SURVEYS = "directory.manage_surveys"


def directory_panel(membership) -> dict | None:
    """Open facilities of the member's municipality, the map and residents' page; coverage for its staff."""
    municipality = membership.organization.municipality
    if municipality is None or not policy.check(membership, "directory.view"):
        return None
    panel = {
        "template": "directory/_home_panel.html", "municipality": municipality,
        "facilities": Facility.objects.filter(municipality__in=[municipality.pk, *municipality.wards.values_list(
            "pk", flat=True)], status=Facility.Status.OPEN).count(),
    }
    if policy.check(membership, "directory.view_coverage", municipality):
        panel["coverage"] = (CoverageRun.objects.filter(municipality=municipality, daily_living_area=None,
                                                        status=CoverageRun.Status.DONE)
                             .order_by("-finished_at", "-pk").first())
    return panel


# --- attention -------------------------------------------------------------------------------------

def directory_attention(membership) -> list[AttentionItem]:
    """The directory's attention items for this membership (core.dashboard drops those it may not open)."""
    if not policy.check(membership, "directory.view"):
        return []
    return [*_staff_items(membership), *_own_entry_items(membership), *_prefecture_items(membership)]


def _staff_items(membership) -> list[AttentionItem]:
    items = []
    municipality = membership.organization.municipality
    if policy.check(membership, MANAGE_SURVEYS):
        waiting = pending_reviews(membership).count()
        if waiting:
            items.append(AttentionItem(
                text=ngettext("%(count)d survey answer waiting for review",
                              "%(count)d survey answers waiting for review", waiting) % {"count": waiting},
                detail=_("Approve them to update the directory, or return them to the facility with a note."),
                url=reverse("directory:survey_review_queue"), action=MANAGE_SURVEYS, order=10))
        # Corrections wait in the same queue; counted apart so a proposal is never mistaken for an answer.
        corrections = pending_corrections(membership).count()
        if corrections:
            items.append(AttentionItem(
                text=ngettext("%(count)d correction proposed by a facility waiting for review",
                              "%(count)d corrections proposed by facilities waiting for review", corrections)
                % {"count": corrections},
                detail=_("Approve a proposal to change the entry, or reject it with a note to the proposer."),
                url=reverse("directory:survey_review_queue"), action=MANAGE_SURVEYS, order=11))
    if municipality is not None and policy.check(membership, MANAGE_SURVEYS, municipality):
        stale = stale_facilities(municipality, STALE_MONTHS).count()
        if stale:
            items.append(AttentionItem(
                text=ngettext("%(count)d entry not confirmed for %(months)d months",
                              "%(count)d entries not confirmed for %(months)d months", stale)
                % {"count": stale, "months": STALE_MONTHS},
                detail=_("Send them a survey round: the facilities confirm or correct their own details."),
                url=f"{reverse('directory:survey_round_create')}?stale_months={STALE_MONTHS}",
                action=MANAGE_SURVEYS, obj=municipality, order=20))
    if policy.check(membership, "directory.import"):
        runs = waiting_import_runs(membership)
        if runs:
            url = (reverse("directory:import_detail", args=[runs[0].pk]) if len(runs) == 1
                   else reverse("directory:import_list"))
            items.append(AttentionItem(
                text=ngettext("%(count)d import checked and waiting to be applied: %(file)s",
                              "%(count)d imports checked and waiting to be applied (newest: %(file)s)", len(runs))
                % {"count": len(runs), "file": runs[0].file_name},
                detail=_("Read the report of the rows that change, then apply it or leave it."),
                url=url, action="directory.import", order=40))
    if policy.check(membership, "directory.merge_facilities"):
        duplicates = merge_candidate_count(membership)
        if duplicates:
            items.append(AttentionItem(
                text=ngettext("%(count)d possible duplicate to check", "%(count)d possible duplicates to check",
                              duplicates) % {"count": duplicates},
                url=reverse("directory:merge_candidate_list"), action="directory.merge_facilities", order=50))
    return items


def own_facilities(membership) -> list[Facility]:
    """The open directory entries of the member's own organization (a clinic, a care office…)."""
    return list(Facility.objects.filter(organization=membership.organization, status=Facility.Status.OPEN)
                .select_related("municipality").order_by("kind", "kana", "name")[:5])


def _survey_state(facility: Facility) -> tuple[str, bool]:
    """How the facility updates its entry now, as a sentence, and whether it asks for an action."""
    invitation = (SurveyInvitation.objects.filter(facility=facility).exclude(status=SurveyInvitation.Status.WITHDRAWN)
                  .select_related("survey_round").order_by("-sent_at", "-pk").first())
    Status = SurveyInvitation.Status
    if invitation is not None and invitation.survey_round.closed_at is None:
        due = invitation.survey_round.due_on or invitation.expires_at.date()
        if invitation.status == Status.SENT and invitation.expires_at > timezone.now():
            sent_to = invitation.email or _("your organization")
            return (_("The municipality sent a survey link to %(email)s on %(date)s: answer through that link "
                      "by %(due)s to confirm or correct your entry.")
                    % {"email": sent_to, "date": wareki(invitation.sent_at), "due": wareki(due)}, True)
        if invitation.status == Status.RETURNED:
            return (_("The municipality returned your survey answer with a note: answer again through the "
                      "survey link by %(due)s.") % {"due": wareki(due)}, True)
        if invitation.status == Status.ANSWERED:
            return (_("Your survey answer is waiting for the municipality's review."), False)
    return (_("If something on it is wrong, propose a correction from its page; the municipality checks it."),
            False)


# Organizations that are themselves in the directory (a clinic, a care office…), unlike offices and associations.
CARE_PROVIDER_KINDS = {Organization.Kind.HOSPITAL, Organization.Kind.CLINIC, Organization.Kind.DENTAL_CLINIC,
                       Organization.Kind.PHARMACY, Organization.Kind.VISITING_NURSING_STATION,
                       Organization.Kind.CARE_MANAGEMENT_OFFICE, Organization.Kind.COMMUNITY_SUPPORT_CENTER,
                       Organization.Kind.OTHER_CARE_PROVIDER}


def _own_entry_items(membership) -> list[AttentionItem]:
    """Members of a care provider: their organization's entry and how to update it."""
    organization = membership.organization
    if membership.role not in (Role.PROFESSIONAL, Role.COORDINATOR) or organization.kind not in CARE_PROVIDER_KINDS:
        return []
    facilities = own_facilities(membership)
    if not facilities:
        return [AttentionItem(
            text=_("%(organization)s has no entry linked to it in the resource directory.")
            % {"organization": organization.name},
            detail=_("Ask your municipality's office to link your organization to its entry, so you can keep it "
                     "up to date."), tone=INFO, order=60)]
    items = []
    for facility in facilities:
        how, asks = _survey_state(facility)
        items.append(AttentionItem(
            text=_("Your organization's entry in the resource directory: %(name)s") % {"name": facility.name},
            detail=how, url=reverse("directory:facility_detail", args=[facility.pk]), action="directory.view",
            obj=facility, tone=TODO if asks else INFO, order=15))
        propose_url = _correction_url(facility)
        if propose_url:
            items.append(AttentionItem(
                text=_("Propose a correction of %(name)s") % {"name": facility.name}, url=propose_url,
                action="directory.propose_correction", obj=facility, tone=INFO, order=16))
    return items


def _correction_url(facility: Facility) -> str:
    """The correction proposal screen of a facility, where this version has one ("" otherwise)."""
    try:
        return reverse("directory:facility_propose_correction", args=[facility.pk])
    except NoReverseMatch:
        return ""


@dataclass
class MunicipalityState:
    """One row of the prefecture's table: a municipality's directory and coverage."""

    municipality: Municipality
    facilities: int = 0
    stale: int = 0
    answers_waiting: int = 0
    coverage_at: object = None
    url: str = ""  # its coverage page, when the member may open it


def _by_owner(queryset, relation: str, value) -> dict[int, object]:
    """{municipality id: value} with wards counted under their designated city."""
    owner = Coalesce(F(f"{relation}parent_id"), F(f"{relation}id"))
    return dict(queryset.annotate(owner=owner).values("owner").annotate(value=value).values_list("owner", "value"))


def prefecture_directory_state(prefecture, membership=None, *, months: int = STALE_MONTHS) -> list[MunicipalityState]:
    """Each current municipality of the prefecture (wards under their city): open facilities, those not
    confirmed for `months`, survey answers waiting for review and when its coverage was last computed."""
    municipalities = list(Municipality.objects.filter(prefecture=prefecture, abolished_on__isnull=True)
                          .exclude(kind=Municipality.Kind.WARD).order_by("code"))
    in_prefecture = Facility.objects.filter(municipality__prefecture=prefecture, status=Facility.Status.OPEN)
    facilities = _by_owner(in_prefecture, "municipality__", Count("pk"))
    fresh = CollaborationDetail.objects.filter(confirmed_on__gte=stale_before(months)).values("facility_id")
    stale = _by_owner(in_prefecture.exclude(pk__in=fresh), "municipality__", Count("pk"))
    answers = _by_owner(SurveyResponse.objects.filter(
        decision=SurveyResponse.Decision.PENDING, invitation__survey_round__municipality__prefecture=prefecture)
        .exclude(invitation__status=SurveyInvitation.Status.WITHDRAWN),
        "invitation__survey_round__municipality__", Count("pk"))
    coverage = _by_owner(CoverageRun.objects.filter(municipality__prefecture=prefecture, daily_living_area=None,
                                                    status=CoverageRun.Status.DONE),
                         "municipality__", Max("finished_at"))
    rows = []
    for municipality in municipalities:
        row = MunicipalityState(municipality, facilities.get(municipality.pk, 0), stale.get(municipality.pk, 0),
                                answers.get(municipality.pk, 0), coverage.get(municipality.pk))
        if membership is not None and policy.check(membership, "directory.view_coverage", municipality):
            row.url = reverse("directory:coverage_municipality", args=[municipality.code])
        rows.append(row)
    return rows


def _prefecture_items(membership) -> list[AttentionItem]:
    """Prefecture staff (an organization of the prefecture, not of a municipality): their municipalities."""
    organization = membership.organization
    prefecture = organization.prefecture
    if organization.municipality_id is not None or prefecture is None:
        return []
    if not policy.check(membership, "directory.view_coverage", prefecture):
        return []
    rows = prefecture_directory_state(prefecture, membership)
    shown = [row for row in rows if row.facilities or row.answers_waiting or row.coverage_at]
    prefecture_run = (CoverageRun.objects.filter(prefecture=prefecture, municipality=None,
                                                 status=CoverageRun.Status.DONE)
                      .order_by("-finished_at", "-pk").first())
    return [AttentionItem(
        text=_("Directories and coverage of the municipalities of %(prefecture)s") % {"prefecture": prefecture.name},
        url=reverse("directory:coverage_prefecture", args=[prefecture.code]), action="directory.view_coverage",
        obj=prefecture, tone=INFO, order=70, template="directory/_attention_prefecture.html",
        data={"rows": shown, "without_entries": len(rows) - len(shown), "stale_months": STALE_MONTHS,
              "prefecture_coverage_at": prefecture_run.finished_at if prefecture_run else None})]
