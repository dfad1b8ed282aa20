"""The one permission policy, and the walk over every URL and API route that proves nothing forgot it.

If a view loses its @policy.requires (or an API operation its @api_requires), or a rule gets looser
than the policy says, these tests fail.
"""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from renkei.api import api
from renkei.core import policy
from renkei.core.models import AuditEntry, Job, Organization, Role
from renkei.core.services.organizations import invitation_send
from tests.factories import (
    AreaGroupFactory,
    DailyLivingAreaFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    PrefectureFactory,
)

from ..conftest import client_for

# Views that deliberately need no membership. Adding a public view means adding it here, on purpose.
PUBLIC_VIEWS = {"core:login", "core:login_verify", "core:logout", "core:invitation_accept", "core:health",
                "set_language", "core:two_factor_setup",
                # The survey link a facility answers without an account, and the residents' portal.
                "directory:survey_answer", "directory:survey_answer_thanks",
                "portal:index", "portal:facilities_geojson", "portal:areas_geojson", "portal:search", "portal:about",
                "portal:facility",
                # The residents' page of the indicators a municipality marks public (small counts suppressed).
                "indicators:public",
                # A training participant's survey link (training surveys, issue 12).
                "events:survey_answer",
                # Public awareness: the residents' calendar, its iCalendar file and public materials, the questionnaire.
                "events:calendar", "events:calendar_ics", "events:awareness_material", "events:awareness_answer"}


def walk_url_patterns(patterns=None, prefix="", namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk_url_patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}", entry.callback


def web_views():
    return [(route, name, view) for route, name, view in walk_url_patterns() if not route.startswith("api/")]


# Patient routes are walked with a world of patients, teams and consents in tests/careteams/test_access_walk.py
# (handoffs: tests/handoff/test_*_walk.py; the consultation desk: tests/consult/test_*_walk.py; training and
# awareness: tests/training/test_*_walk.py, each with its own world).
# The region's routes (issue 13) are walked by every role of a two-prefecture world in tests/region/test_walk.py
# and the parts' own walks (test_rules_walk.py, …).
PATIENT_ROUTE_PREFIXES = ("patients/", "provision/", "handoffs/", "desk/", "training/", "region/")
PATIENT_API_PREFIXES = ("/api/v1/patients", "/api/v1/provision", "/api/v1/handoffs", "/api/v1/desk",
                        "/api/v1/training", "/api/v1/implementation", "/api/v1/region")


def walked_here(route: str) -> bool:
    return not route.startswith(PATIENT_ROUTE_PREFIXES) and not route.startswith(PATIENT_API_PREFIXES)


def api_operations():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield method, "/api/v1" + (prefix.rstrip("/") + path), operation.view_func


@pytest.fixture
def world(db):
    """Places, organizations and one membership per role, in and outside the home municipality."""
    kyoto = PrefectureFactory(code="26", name="京都府")
    tokyo = PrefectureFactory(code="13", name="東京都")
    home = MunicipalityFactory(jis_code="26201", name="福知山市", prefecture=kyoto)
    other = MunicipalityFactory(jis_code="26202", name="舞鶴市", prefecture=kyoto)
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=home)
    other_office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=other)
    clinic = OrganizationFactory(kind=Organization.Kind.CLINIC, municipality=home)
    pref_office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=kyoto)
    tokyo_office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=tokyo)
    members = {
        "admin": MembershipFactory(role=Role.SYSTEM_ADMIN, organization=office),
        "city": MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office),
        "other_city": MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=other_office),
        "coordinator": MembershipFactory(role=Role.COORDINATOR, organization=office),
        "doctor": MembershipFactory(role=Role.PROFESSIONAL, profession="doctor", organization=clinic),
        "prefecture": MembershipFactory(role=Role.PREFECTURE_STAFF, organization=pref_office),
        "other_prefecture": MembershipFactory(role=Role.PREFECTURE_STAFF, organization=tokyo_office),
    }
    invitation, link = invitation_send(invited_by=members["city"], organization=clinic, email="new@example.jp",
                                       role=Role.PROFESSIONAL, profession="nurse")
    return SimpleNamespace(
        prefecture=kyoto, municipality=home, organization=clinic, members=members, invitation=invitation,
        token=link.rstrip("/").rsplit("/", 1)[-1],
        area=DailyLivingAreaFactory(municipality=home), group=AreaGroupFactory(prefecture=kyoto),
        target_membership=members["doctor"], directory=_directory_world(home, members["city"]),
        job=Job.objects.create(kind="directory.coverage", municipality=home, prefecture=kyoto,
                               status=Job.Status.FAILED),
        indicators=_indicators_world(home, members["city"]),
        pdca=_pdca_world(home, members["city"]),
        councils=_councils_world(home, members),
        awareness=_awareness_world(home),
    )


def _awareness_world(home):
    """An awareness activity with a staff-only material (its file not stored: its download answers 404 to those
    allowed) and a questionnaire link."""
    from django.utils import timezone

    from renkei.training.models import AwarenessActivity, AwarenessMaterial, AwarenessSurveyLink

    activity = AwarenessActivity.objects.create(municipality=home, kind="public_lecture", title="講座",
                                                date="2026-06-10", is_published=True)
    material = AwarenessMaterial.objects.create(activity=activity, title="資料", stored_name="missing.pdf",
                                                original_name="a.pdf", content_type="application/pdf", size=1)
    link = AwarenessSurveyLink.objects.create(activity=activity, token_hash="0" * 64,
                                              expires_at=timezone.now() + timezone.timedelta(days=1))
    return SimpleNamespace(activity=activity, material=material, link=link)


def _indicators_world(home, staff):
    """A municipality's own indicator with a corrected value and a target, and a built-in one it publishes."""
    from renkei.indicators.areas import Area
    from renkei.indicators.models import IndicatorDefinition, IndicatorPublication
    from renkei.indicators.periods import fiscal_year
    from renkei.indicators.services.targets import indicator_target_save
    from renkei.indicators.services.values import value_enter

    own = IndicatorDefinition.objects.create(code="W01", name_ja="独自の指標", kind="process", owner_municipality=home,
                                             numerator_label="件数", higher_is_better=True)
    builtin = IndicatorDefinition.objects.create(code="WB01", name_ja="在宅死亡率", kind="outcome", is_builtin=True,
                                                 numerator_label="在宅死亡数", denominator_label="死亡数",
                                                 factor=100, higher_is_better=True)
    for definition in (own, builtin):
        for numerator in (3, 4):
            value_enter(membership=staff, definition=definition, area=Area.of_municipality(home),
                        period=fiscal_year(2024), numerator=numerator, denominator=100 if definition.is_rate else None)
        indicator_target_save(membership=staff, definition=definition, municipality=home, start_fiscal_year=2024,
                              final_value=10)
    IndicatorPublication.objects.create(municipality=home, definition=builtin)
    return SimpleNamespace(definition=own, builtin=builtin)


def _pdca_world(home, staff):
    """A plan of the home municipality with a logic model (two blocks, a "(再)" row, an indicator) and a
    template, for the PDCA URLs."""
    from renkei.pdca.services.logic_model_files import logic_model_import
    from renkei.pdca.services.templates import logic_model_template_content, logic_model_template_save

    data = ("番号,場面,具体的な施策,成果指標,取り組みの方向性（中間アウトカム）,目指す姿\r\n"
            "1,入退院支援,窓口の明確化,支援を受けた患者数,切れ目のない支援,安心して暮らす\r\n"
            "2,看取り,(再)窓口の明確化,在宅看取り数,望む形で最期まで,\r\n").encode()
    model = logic_model_import(membership=staff, municipality=home, data=data, file_name="a.csv",
                               fiscal_year=2024).logic_model
    template = logic_model_template_save(membership=staff, name="テンプレート", municipality=home,
                                         content=logic_model_template_content(model))
    return SimpleNamespace(plan=model.plan, logic_model=model, measure=model.measures.get(),
                           outcome=model.outcomes.order_by("sort_order").first(),
                           indicator=model.indicators.first(), template=template)


def _directory_world(home, staff):
    """One object of each kind the directory's URLs name, in the home municipality."""
    from renkei.directory.models import (
        CollaborationAttribute,
        CollaborationCategory,
        CorrectionProposal,
        CoverageRun,
        ImportRun,
        MergeCandidate,
    )
    from renkei.directory.services.surveys import survey_answer_submit, survey_round_create

    from ..factories import FacilityFactory

    facility = FacilityFactory(municipality=home)
    twin = FacilityFactory(municipality=home, name=facility.name)
    candidate = MergeCandidate.objects.create(facility=facility, other=twin, score=0.9, reason="test")
    category = CollaborationCategory.objects.first()
    attribute = CollaborationAttribute.objects.create(category=category, code="local_question", name="独自の質問",
                                                      municipality=home)
    survey_round, links = survey_round_create(municipality=home, title="調査", message="", due_on=None,
                                              facilities=[facility], membership=staff, send_email=False,
                                              base_url="http://testserver")
    invitation = survey_round.invitations.get()
    token = links[0].link.rstrip("/").rsplit("/", 1)[-1]
    survey_answer_submit(token=token, answers={"scheduled_home_visit": True}, corrections={},
                         respondent_name="回答者", respondent_role="", comment="")
    run = ImportRun.objects.create(source="municipal", file_name="a.csv", sha256="0" * 64, outcome="dry_run",
                                   municipality=home)
    coverage = CoverageRun.objects.create(municipality=home, status=CoverageRun.Status.DONE)
    proposal = CorrectionProposal.objects.create(facility=facility, changes={"phone": "0773-22-9999"})
    return SimpleNamespace(facility=facility, candidate=candidate, category=category, attribute=attribute,
                           survey_round=survey_round, invitation=invitation, token=token,
                           response=invitation.responses.get(), import_run=run, coverage_run=coverage,
                           proposal=proposal)


def _councils_world(home, members):
    """A council with a working group, the doctor's seat on the council, a meeting with a decision and a
    material (its file not stored: its download answers 404 to those allowed), an issue and the doctor's action."""
    from renkei.pdca.models import Action, Council, CouncilMember, Decision, Issue, Meeting, MeetingMaterial

    council = Council.objects.create(municipality=home, name="協議会")
    Council.objects.create(municipality=home, parent=council, kind=Council.Kind.WORKING_GROUP, name="部会")
    seat = CouncilMember.objects.create(council=council, membership=members["doctor"],
                                        organization=members["doctor"].organization)
    meeting = Meeting.objects.create(council=council, title="第1回", held_on="2026-06-10")
    issue = Issue.objects.create(municipality=home, council=council, raised_at=meeting, scene="daily_care",
                                 title="課題")
    action = Action.objects.create(municipality=home, meeting=meeting, issue=issue, title="取組",
                                   owner=members["doctor"], due_on="2026-07-01")
    return SimpleNamespace(council=council, member=seat, meeting=meeting, issue=issue, action=action,
                           decision=Decision.objects.create(meeting=meeting, text="決定"),
                           material=MeetingMaterial.objects.create(meeting=meeting, title="資料",
                                                                   file="pdca/materials/missing.pdf"))
def _pdca_turn_values(world) -> dict:
    """A plan period of the world's municipality (第9期, FY2024–2026) and one of its turns."""
    from renkei.pdca.models import PlanPeriod

    plan, _created = PlanPeriod.objects.get_or_create(
        municipality=world.municipality, start_fiscal_year=2024,
        defaults={"term_number": 9, "end_fiscal_year": 2026, "scenes": ["end_of_life"]})
    return {"plan_id": plan.pk, "scene": "end_of_life", "section": "plan"}


def _training_values(world) -> dict:
    """A training series of the world's municipality with a started session and a registration."""
    import datetime as dt

    from django.utils import timezone

    from renkei.training.models import Registration, TrainingSeries, TrainingSession

    series, _created = TrainingSeries.objects.get_or_create(municipality=world.municipality, title="多職種研修",
                                                            defaults={"fiscal_year": 2026})
    session = series.sessions.first() or TrainingSession.objects.create(
        series=series, starts_at=timezone.now() - dt.timedelta(days=1), place="会議室")
    registration, _created = Registration.objects.get_or_create(series=series, name="参加者")
    return {"series_id": series.pk, "session_id": session.pk, "registration_id": registration.pk}


def url_for(route: str, world) -> str:
    """Fill a route's parameters with ids of real objects of the right kind."""
    d = world.directory
    values = {
        "code": world.prefecture.code if route.startswith(("places/p/", "directory/coverage/p/"))
        else world.municipality.code,
        "area_id": world.area.pk, "group_id": world.group.pk,
        "token": d.token if route.startswith("directory/") else world.token,
        "pk": (world.invitation.pk if route.startswith("invitations/")
               else world.target_membership.user_id if route.startswith("users/")
               else world.target_membership.pk if route.startswith("memberships/")
               else world.job.pk if route.startswith("jobs/")
               else d.invitation.pk if route.startswith("directory/surveys/invitations/")
               else d.response.pk if route.startswith("directory/surveys/responses/")
               else d.facility.pk if route.startswith("directory/surveys/facility/")
               else d.survey_round.pk if route.startswith("directory/surveys/")
               else world.organization.pk),
        "facility_id": d.facility.pk, "candidate_id": d.candidate.pk, "attribute_id": d.attribute.pk,
        "category_id": d.category.pk, "run_id": d.import_run.pk if route.startswith("directory/imports/")
        else d.coverage_run.pk, "sha256": d.import_run.sha256, "proposal_id": d.proposal.pk,
        "definition_id": world.indicators.definition.pk,
        "plan_id": world.pdca.plan.pk, "scene": "overall", "revision": world.pdca.logic_model.revision,
        "key": world.pdca.outcome.key if "/outcomes/" in route else world.pdca.measure.key,
        "number": 1, "indicator_id": world.pdca.indicator.pk, "template_id": world.pdca.template.pk,
        "council_id": world.councils.council.pk, "member_id": world.councils.member.pk,
        "activity_id": world.awareness.activity.pk, "link_id": world.awareness.link.pk,
        "meeting_id": world.councils.meeting.pk,
        "decision_id": world.councils.decision.pk, "material_id": world.awareness.material.pk
        if route.startswith("training/awareness/") else world.councils.material.pk,
        "issue_id": world.councils.issue.pk, "action_id": world.councils.action.pk,
        **(_pdca_turn_values(world) if route.startswith("pdca/turns/") else {}),
        **(_training_values(world) if route.startswith("training/") else {}),
        "fiscal_year": 2024, "fmt": "pdf",
    }
    url = route
    for name, value in values.items():
        for converter in ("str", "int", "slug", ""):
            url = url.replace(f"<{converter}:{name}>" if converter else f"<{name}>", str(value))
    assert "<" not in url, f"test does not know how to fill {route}"
    return "/" + url


def test_every_view_either_asks_the_policy_or_is_a_listed_public_view():
    for route, name, view in web_views():
        if name in PUBLIC_VIEWS:
            assert getattr(view, "policy_public", False), f"{name} is listed public but not marked @policy.public"
        else:
            assert hasattr(view, "policy_action"), f"{name} ({route}) does not ask the permission policy"
            assert view.policy_action in policy.registered_actions(), f"{name}: no rule for {view.policy_action}"


def test_every_api_operation_asks_the_policy():
    operations = list(api_operations())
    assert len(operations) >= 8
    for method, path, func in operations:
        assert hasattr(func, "policy_action"), f"{method} {path} does not ask the permission policy"
        assert func.policy_action in policy.registered_actions()


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_login_from_every_protected_url(world):
    client = Client()
    checked = 0
    for route, name, _view in web_views():
        if name in PUBLIC_VIEWS or not walked_here(route):
            continue
        url = url_for(route, world)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, f"{method.upper()} {url} gave {response.status_code}"
            assert response["Location"].startswith("/login/"), f"{url} redirected to {response['Location']}"
            checked += 1
    assert checked >= 40


@pytest.mark.django_db
def test_a_user_without_an_active_membership_is_refused_everywhere(world):
    lapsed = MembershipFactory(role=Role.SYSTEM_ADMIN, organization=world.organization, is_active=False)
    client = client_for(lapsed)
    before = AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count()
    refused = 0
    for route, name, _view in web_views():
        if name in PUBLIC_VIEWS or not walked_here(route):
            continue
        response = client.get(url_for(route, world))
        assert response.status_code == 403, f"{route} gave {response.status_code} to a lapsed membership"
        refused += 1
    after = AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count()
    assert after - before == refused, "every refusal is in the audit log"


@pytest.mark.django_db
def test_each_role_gets_exactly_what_the_policy_allows_on_every_url(world, rf):
    outcomes: dict[str, set[bool]] = {}
    for route, name, view in web_views():
        if name in PUBLIC_VIEWS or not walked_here(route):
            continue
        url = url_for(route, world)
        match = get_resolver().resolve(url)
        get_object = view.policy_get_object
        obj = get_object(rf.get(url), **match.kwargs) if get_object else None
        for role, membership in world.members.items():
            allowed = policy.check(membership, view.policy_action, obj)
            status = client_for(membership).get(url).status_code
            if allowed:
                assert status != 403, f"{role} should reach {url} ({view.policy_action}) but got 403"
            else:
                assert status == 403, f"{role} must be refused {url} ({view.policy_action}) but got {status}"
            outcomes.setdefault(name, set()).add(allowed)
    # Every management screen refuses somebody: a rule that allows everyone would show up here.
    for name in ("core:audit_list", "core:audit_verify", "core:organization_create", "core:organization_edit",
                 "core:invitation_create", "core:membership_deactivate", "core:daily_living_area_create",
                 "core:area_group_create", "core:user_deactivate", "core:two_factor_reset", "core:job_list",
                 "core:job_retry",
                 "directory:facility_create", "directory:facility_edit", "directory:facility_close",
                 "directory:merge_candidate_list", "directory:taxonomy", "directory:category_create",
                 "directory:import_list", "directory:survey_round_list", "directory:survey_response_review",
                 "directory:coverage_municipality", "directory:export_page", "directory:correction_review",
                 "indicators:definition_create", "indicators:definition_edit", "indicators:value_enter",
                 "indicators:target_edit", "indicators:definition_import",
                 "pdca:council_detail", "pdca:council_edit", "pdca:meeting_detail",
                 "pdca:meeting_pack", "pdca:material_download", "pdca:action_update", "pdca:action_edit"):
        assert outcomes[name] == {True, False}, f"{name}: {outcomes[name]}"


@pytest.mark.django_db
def api_url(path: str, world) -> str:
    if path.startswith("/api/v1/indicators/"):
        path = path.replace("{code}", world.indicators.builtin.code)
    return (path.replace("{code}", world.municipality.code).replace("{organization_id}", str(world.organization.pk))
            .replace("{facility_id}", str(world.directory.facility.pk)).replace("{plan_id}", str(world.pdca.plan.pk))
            .replace("{year}", "2024"))


@pytest.mark.django_db
def test_every_api_route_refuses_anonymous_callers_with_401_unless_it_is_public(world, client):
    for method, path, func in api_operations():
        if not walked_here(path):
            continue
        url = api_url(path, world)
        if getattr(func, "policy_public", False):  # open data for residents: public fields only
            assert client.generic(method, url).status_code == 200, f"{method} {url} is public"
            continue
        response = client.generic(method, url)
        assert response.status_code == 401, f"{method} {url} gave {response.status_code}"


@pytest.mark.django_db
def test_every_api_route_gives_each_role_what_the_policy_allows(world, api_token_for):
    lapsed = MembershipFactory(role=Role.SYSTEM_ADMIN, organization=world.organization)
    lapsed_token = api_token_for(lapsed)
    lapsed.is_active = False
    lapsed.save()
    client = Client()
    for method, path, func in api_operations():
        if not walked_here(path):
            continue
        url = api_url(path, world)
        body = {} if method == "GET" else {"data": "{}", "content_type": "application/json"}  # a write of nothing
        response = client.generic(method, url, HTTP_AUTHORIZATION=f"Bearer {lapsed_token}", **body)
        assert response.status_code in (401, 403), f"lapsed membership got {response.status_code} from {url}"
        for role, membership in world.members.items():
            # A write is also asked about its object (a facility of another municipality is refused).
            target = world.directory.facility if method != "GET" and "{facility_id}" in path else None
            if "{plan_id}" in path:  # a plan is read by its municipality's staff and prefecture only
                target = world.pdca.plan
            allowed = policy.check(membership, func.policy_action, target)
            response = client.generic(method, url, HTTP_AUTHORIZATION=f"Bearer {api_token_for(membership)}", **body)
            if allowed:
                assert response.status_code == 200, f"{role} {method} {url}: {response.status_code}"
            else:
                assert response.status_code == 403, f"{role} must be refused {url}: {response.status_code}"


def test_an_action_without_a_rule_is_refused():
    membership = SimpleNamespace(is_active=True, role=Role.SYSTEM_ADMIN,
                                 user=SimpleNamespace(is_active=True), organization=SimpleNamespace(is_active=True))
    assert policy.check(membership, "core.use_app") is True
    assert policy.check(membership, "no.such_action") is False


def test_django_superuser_flags_grant_nothing():
    user = SimpleNamespace(is_active=True, is_superuser=True, is_staff=True)
    membership = SimpleNamespace(is_active=True, role=Role.PROFESSIONAL, user=user,
                                 organization=SimpleNamespace(is_active=True, municipality_id=1, prefecture_id=1))
    assert policy.check(membership, "core.view_audit") is False


class FakePatient:
    """Stands in for the handoff capability's patient until it exists."""

    def __init__(self, team_ids, consented_ids):
        self.team_ids, self.consented_ids = set(team_ids), set(consented_ids)

    def care_team_includes(self, membership):
        return membership.pk in self.team_ids

    def has_recorded_consent_for(self, membership):
        return membership.pk in self.consented_ids


def _member(pk):
    return SimpleNamespace(pk=pk, is_active=True, role=Role.PROFESSIONAL, user=SimpleNamespace(is_active=True),
                           organization=SimpleNamespace(is_active=True))


def test_care_team_members_with_consent_may_see_the_record():
    assert policy.check(_member(1), "core.view_care_team_record", FakePatient({1}, {1})) is True


def test_care_team_membership_without_recorded_consent_is_refused():
    assert policy.check(_member(1), "core.view_care_team_record", FakePatient({1}, set())) is False


def test_professionals_outside_the_care_team_are_refused():
    assert policy.check(_member(2), "core.view_care_team_record", FakePatient({1}, {1, 2})) is False


def test_care_team_rule_refuses_objects_that_do_not_define_a_team():
    assert policy.check(_member(1), "core.view_care_team_record", object()) is False
    assert policy.check(_member(1), "core.view_care_team_record", None) is False


@pytest.mark.django_db
def test_scope_limits_the_audit_log_to_the_staff_members_own_municipality(world):
    from renkei.core import audit

    other_office = world.members["other_city"].organization
    with audit.bind_membership(world.members["city"]):  # who acted does not matter: whose object it is does
        audit.record(action=AuditEntry.Action.UPDATE, obj=other_office, object_id="x")
    visible_to_city = policy.scope(world.members["city"], "core.view_audit", AuditEntry.objects.all())
    visible_to_other = policy.scope(world.members["other_city"], "core.view_audit", AuditEntry.objects.all())
    assert not visible_to_city.filter(object_id="x").exists()
    assert visible_to_other.filter(object_id="x").exists()
    assert policy.scope(world.members["doctor"], "core.view_audit", AuditEntry.objects.all()).count() == 0


@pytest.mark.django_db
def test_a_membership_never_deactivates_itself(world):
    city = world.members["city"]
    assert policy.check(city, "core.manage_members", city) is False
    assert policy.check(city, "core.manage_members", world.members["doctor"]) is True


@pytest.mark.django_db
def test_an_inactive_organization_grants_nothing(world):
    city = world.members["city"]
    city.organization.is_active = False
    assert policy.check(city, "core.use_app") is False


@pytest.mark.django_db
def test_a_system_administrator_never_deactivates_their_own_account(world):
    admin = world.members["admin"]
    assert policy.check(admin, "core.deactivate_user", admin.user) is False
    assert policy.check(admin, "core.deactivate_user", world.members["doctor"].user) is True
    assert policy.check(world.members["city"], "core.deactivate_user", world.members["doctor"].user) is False


@pytest.fixture
def temporary_rule():
    """Register rules for one test and remove them afterwards (the policy's registry is global)."""
    added: list[str] = []

    def add(action, predicate, **kwargs):
        policy.register(action, predicate, **kwargs)
        added.append(action)
        return action

    yield add
    for action in added:
        policy.unregister(action)


@pytest.mark.django_db
def test_a_rule_without_a_scope_lists_nothing_even_when_its_objectless_check_passes(world, temporary_rule):
    action = temporary_rule("tests.unscoped", policy.always)
    admin = world.members["admin"]
    assert policy.check(admin, action) is True  # "could they do it to anything?" says yes…
    assert list(policy.scope(admin, action, Organization.objects.all())) == []  # …but names no rows


@pytest.mark.django_db
def test_a_rule_that_needs_an_object_and_has_no_scope_lists_nothing(world, temporary_rule):
    action = temporary_rule("tests.needs_object", policy.always, needs_object=True)
    for membership in world.members.values():
        assert policy.check(membership, action, world.organization) is True
        assert policy.scope(membership, action, Organization.objects.all()).count() == 0


@pytest.mark.django_db
def test_a_scope_function_still_decides_which_rows_are_listed(world, temporary_rule):
    action = temporary_rule("tests.scoped", policy.always,
                            scope=lambda m, qs: qs.filter(municipality_id=m.organization.municipality_id))
    listed = policy.scope(world.members["city"], action, Organization.objects.all())
    assert listed.count() > 0
    assert set(listed.values_list("municipality_id", flat=True)) == {world.municipality.pk}
    assert "tests.scoped" in policy.registered_actions()


def test_may_open_asks_the_page_s_own_rule(make_membership):
    """A screen offers a link only where it leads: the view's @requires action decides, as the view would."""
    staff, professional = make_membership(Role.MUNICIPAL_STAFF), make_membership(Role.PROFESSIONAL)
    assert policy.may_open(staff, "/jobs/") and not policy.may_open(professional, "/jobs/")
    assert policy.may_open(professional, "/jobs/?status=failed") is False  # the query does not change the page
    assert policy.may_open(professional, "/provision/") and not policy.may_open(staff, "/provision/")
    assert policy.may_open(None, "/login/")  # a public page
    assert not policy.may_open(staff, "/no-such-page/")
