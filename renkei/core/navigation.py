"""The navigation: the eight program items, the four scenes, and the administration screens.

A capability that is not built yet has no url_name: it is listed (so people see the whole program)
but never linked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import policy


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str | None = None
    action: str = "core.use_app"
    children: tuple[NavItem, ...] = field(default_factory=tuple)
    url_kwargs: tuple[tuple[str, str], ...] = ()

    def url(self) -> str | None:
        return reverse(self.url_name, kwargs=dict(self.url_kwargs)) if self.url_name else None


PROGRAM_ITEMS = [
    NavItem("a", _("(a) Resource directory and map"), "directory:facility_list", "directory.view", children=(
        NavItem("directory_map", _("Map"), "directory:map", "directory.view"),
        NavItem("directory_surveys", _("Collaboration surveys"), "directory:survey_round_list",
                "directory.manage_surveys"),
        NavItem("directory_imports", _("Imports"), "directory:import_list", "directory.import"),
        NavItem("directory_merge", _("Possible duplicates"), "directory:merge_candidate_list",
                "directory.merge_facilities"),
        NavItem("directory_coverage", _("Coverage gaps"), "directory:coverage_index", "directory.view_coverage"),
        NavItem("directory_exports", _("Exports and booklet"), "directory:export_index", "directory.export"),
        NavItem("directory_taxonomy", _("Collaboration questions"), "directory:taxonomy",
                "directory.manage_taxonomy"),
        NavItem("directory_portal", _("Residents' page"), "portal:index", "core.use_app"),
    )),
    NavItem("b", _("(b) Issues and measures (PDCA)"), "pdca:index", "pdca.view_plan", children=(
        NavItem("indicators_dashboards", _("Indicators by scene"), "indicators:index", "indicators.view"),
        NavItem("pdca_plans", _("Plans and logic models"), "pdca:plan_index", "pdca.view_plan"),
        NavItem("pdca_councils", _("Councils and meetings"), "pdca:council_list", "pdca.view_council"),
        NavItem("pdca_issues", _("Issues"), "pdca:issue_list", "pdca.view_council"),
        NavItem("pdca_actions", pgettext_lazy("PDCA", "Actions"), "pdca:action_list", "pdca.view_council"),
        NavItem("pdca_report", _("Yearly evaluation report"), "pdca:report", "pdca.report"),
        NavItem("indicators_library", _("Indicator library"), "indicators:definition_list",
                "indicators.view_definitions"),
        NavItem("indicators_imports", _("Indicator imports"), "indicators:import_list", "indicators.record_values"),
        NavItem("indicators_publication", _("Indicators for residents"), "indicators:publication",
                "indicators.publish"),
        NavItem("pdca_templates", _("Logic-model templates"), "pdca:template_list", "pdca.view_templates"),
    )),
    NavItem("c", _("(c) Seamless provision"), "provision:index", "provision.use", children=(
        NavItem("provision_enrolments", _("Backup-bed enrolments"), "provision:enrolment_list",
                "provision.list_enrolments"),
    )),
    NavItem("d", _("(d) Information sharing"), "careteams:my_patients", "careteams.list_patients", children=(
        NavItem("careteams_find", _("Find or register a patient"), "careteams:patient_find", "careteams.find_patient"),
        NavItem("careteams_join_requests", _("Requests to join a team"), "careteams:join_request_list",
                "careteams.list_patients"),
        NavItem("careteams_break_glass", _("Emergency access (break-glass)"), "careteams:break_glass_open",
                "careteams.break_glass"),
        NavItem("careteams_break_glass_review", _("Break-glass review"), "careteams:break_glass_review",
                "careteams.review_break_glass"),
        NavItem("careteams_counts", _("Patients in numbers"), "careteams:counts", "careteams.view_counts"),
        NavItem("handoff_list", _("Admissions and discharges"), "handoff:handoff_list", "handoff.list_handoffs"),
        NavItem("handoff_rules", _("Discharge coordination rules"), "handoff:rule_list", "handoff.view_rules"),
        NavItem("handoff_report", _("Missed discharge coordination"), "handoff:report", "handoff.view_report"),
        NavItem("handoff_own_report", _("Our handoff figures"), "handoff:own_report", "handoff.view_own_measures"),
    )),
    NavItem("e", _("(e) Consultation desk"), "consult:index", "consult.view_reports", children=(
        NavItem("consult_report", _("Desk figures"), "consult:report", "consult.view_reports"),
    )),
    NavItem("f", _("(f) Training"), "training:index", "training.view_series", children=(
        NavItem("training_reach", _("Who the training reaches"), "training:reach", "training.view_series"),
        NavItem("training_instruments", _("Survey questions (scales)"), "training:instrument_list",
                "training.view_instruments"),
    )),
    NavItem("g", _("(g) Public awareness"), "training:awareness_list", "training.view_awareness", children=(
        NavItem("training_awareness_reach", _("Areas reached"), "training:awareness_reach", "training.view_awareness"),
    )),
    NavItem("h", _("(h) Cross-municipal cooperation"), "region:index", "region.view_report", children=(
        NavItem("region_implementation", _("Implementation status"), "region:implementation_list",
                "region.view_implementation"),
        NavItem("region_rounds", _("Survey rounds"), "region:round_list", "region.view_rounds"),
        NavItem("region_report", _("Implementation survey report"), "region:report", "region.view_report"),
        NavItem("region_import", _("Import survey answers"), "region:implementation_import",
                "region.import_implementation"),
        NavItem("region_map", _("Prefecture-wide map"), "region:resource_map", "region.view_workspace"),
        NavItem("region_data", _("Data provided by the prefecture"), "region:data_provision",
                "region.view_data_provision"),
        NavItem("region_rules", _("Wide-area rules"), "region:wide_rules", "region.view_wide_rules"),
        NavItem("region_joint", _("Joint projects"), "region:joint_list", "region.view_joint_projects"),
        NavItem("region_practices", _("Good practices"), "region:practice_list", "region.view_practices"),
        NavItem("region_meetings", _("Sharing meetings"), "region:meeting_list", "region.view_meetings"),
    )),
]

# Each scene opens its indicators' dashboard (見える化); later capabilities add their screens per scene.
SCENES = [
    NavItem(scene, label, "indicators:scene_dashboard", "indicators.view", url_kwargs=(("scene", scene),))
    for scene, label in (("daily_care", _("Daily care")), ("admission_discharge", _("Admission and discharge")),
                         ("emergency", _("Emergencies")), ("end_of_life", _("End of life")))
]

ADMINISTRATION = [
    NavItem("places", _("Places"), "core:place_list", "core.view_places"),
    NavItem("organizations", _("Organizations"), "core:organization_list", "core.view_organizations"),
    NavItem("audit", _("Audit log"), "core:audit_list", "core.view_audit"),
    NavItem("jobs", _("Background jobs"), "core:job_list", "core.view_jobs"),
]


def navigation_for(membership) -> dict[str, list[dict]]:
    """The navigation a membership sees: links only to built screens it may open."""

    def entries(items: list[NavItem]) -> list[dict]:
        out = []
        for item in items:
            allowed = membership is not None and policy.check(membership, item.action)
            url = item.url() if allowed else None
            # An item whose own screen the member may not open still leads to the children they may open
            # (a professional on a council: (b)'s councils, not its plan).
            children = entries(list(item.children)) if membership is not None else []
            if item.url_name and not allowed and not children:
                continue
            out.append({"key": item.key, "label": item.label, "url": url, "is_built": bool(item.url_name),
                        "children": children})
        return out

    return {
        "program_items": entries(PROGRAM_ITEMS),
        "scenes": entries(SCENES),
        "administration": entries(ADMINISTRATION) if membership else [],
    }
