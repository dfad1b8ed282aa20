import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from renkei.core.models import AuditEntry, Role
from renkei.directory.models import CollaborationAttribute, CollaborationCategory
from renkei.directory.services import taxonomy as taxonomy_services
from renkei.directory.services.taxonomy import format_choices, parse_choices

from ..factories import FacilityFactory, OrganizationFactory, set_details

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_membership):
    return make_membership(Role.MUNICIPAL_STAFF)


@pytest.fixture
def admin(make_membership):
    return make_membership(Role.SYSTEM_ADMIN)


@pytest.fixture
def category():
    return CollaborationCategory.objects.get(code="home_medical_care")


def _add(client, municipality, category, **overrides):
    data = {"category": category.pk, "name": "在宅での胃ろう交換", "name_en": "gastrostomy tube change at home",
            "value_type": "yes_no", "visibility": "public", "applies_to": ["clinic", "hospital"]}
    data.update(overrides)
    return client.post(reverse("directory:attribute_create", kwargs={"code": municipality.code}), data)


def test_staff_add_their_own_question_and_it_is_audited(staff, login_as, municipality, category):
    response = _add(login_as(staff), municipality, category)
    assert response.status_code == 302
    attribute = CollaborationAttribute.objects.get(name="在宅での胃ろう交換")
    assert attribute.municipality == municipality
    assert attribute.code.startswith(f"m{municipality.code}_gastrostomy")
    assert attribute.applies_to == ["clinic", "hospital"]
    assert not attribute.is_builtin
    entry = AuditEntry.objects.get(object_type="directory.collaborationattribute", action="create",
                                   object_id=str(attribute.pk))
    assert entry.changes["name"] == "在宅での胃ろう交換"


def test_a_new_question_shows_up_in_the_details_form_of_the_municipalitys_facilities(
        staff, login_as, municipality, other_municipality, category, make_membership):
    client = login_as(staff)
    _add(client, municipality, category, value_type="choice", choices_text="weekly:毎週\nmonthly:毎月")
    attribute = CollaborationAttribute.objects.get(name="在宅での胃ろう交換")
    clinic = FacilityFactory(municipality=municipality)
    form = client.get(reverse("directory:facility_details", kwargs={"facility_id": clinic.pk})).context["form"]
    field = form.fields[f"attr_{attribute.code}"]
    assert [c[0] for c in field.choices] == ["weekly", "monthly", ""]
    response = client.post(reverse("directory:facility_details", kwargs={"facility_id": clinic.pk}),
                           {f"attr_{attribute.code}": "monthly"})
    assert response.status_code == 302
    assert clinic.collaboration_details.get(attribute=attribute).value == "monthly"
    elsewhere = FacilityFactory(municipality=other_municipality)
    outsider = make_membership(Role.MUNICIPAL_STAFF, organization=OrganizationFactory(municipality=other_municipality))
    other_form = login_as(outsider).get(reverse("directory:facility_details", kwargs={"facility_id": elsewhere.pk}))
    assert f"attr_{attribute.code}" not in other_form.context["form"].fields


def test_choices_are_written_one_a_line_as_code_and_name():
    choices = parse_choices("within_30_min:30分以内\n\nwithin_15_min：15分以内:within 15 minutes\n随時")
    assert choices == [{"code": "within_30_min", "name": "30分以内"},
                       {"code": "within_15_min", "name": "15分以内", "name_en": "within 15 minutes"},
                       {"code": "c3", "name": "随時"}]
    assert parse_choices(format_choices(choices)) == choices


def test_bad_choices_are_explained_by_line(staff, login_as, municipality, category):
    response = _add(login_as(staff), municipality, category, value_type="multi_choice", choices_text="a:あ\na:い")
    assert response.status_code == 400
    assert "2" in " ".join(response.context["form"].errors["choices_text"])
    response = _add(login_as(staff), municipality, category, value_type="choice", choices_text="")
    assert response.status_code == 400
    assert response.context["form"].errors["choices_text"]


def test_form_errors_are_in_japanese(staff, login_as, municipality, category):
    response = _add(login_as(staff), municipality, category, name="")
    assert response.status_code == 400
    assert "このフィールドは必須です。" in response.content.decode()


def test_staff_of_another_municipality_cannot_add_or_edit_our_questions(staff, make_membership, other_municipality,
                                                                        login_as, municipality, category):
    _add(login_as(staff), municipality, category)
    attribute = CollaborationAttribute.objects.get(name="在宅での胃ろう交換")
    outsider = login_as(make_membership(Role.MUNICIPAL_STAFF,
                                        organization=OrganizationFactory(municipality=other_municipality)))
    assert _add(outsider, municipality, category, name="よそ").status_code == 403
    edit = reverse("directory:attribute_edit", kwargs={"attribute_id": attribute.pk})
    assert outsider.get(edit).status_code == 403
    assert outsider.post(edit, {"category": category.pk, "name": "変更", "value_type": "yes_no",
                                "visibility": "public"}).status_code == 403
    attribute.refresh_from_db()
    assert attribute.name == "在宅での胃ろう交換"


def test_professionals_cannot_manage_the_taxonomy(make_membership, login_as, municipality, category):
    client = login_as(make_membership(Role.PROFESSIONAL))
    assert client.get(reverse("directory:taxonomy")).status_code == 403
    assert _add(client, municipality, category).status_code == 403


def test_builtin_names_are_changed_only_by_a_system_administrator(staff, admin, login_as):
    builtin = CollaborationAttribute.objects.get(code="urgent_home_visit")
    url = reverse("directory:attribute_edit", kwargs={"attribute_id": builtin.pk})
    staff_client = login_as(staff)
    assert staff_client.get(url).context["may_edit"] is False
    assert staff_client.post(url, {"name": "臨時往診"}).status_code == 403
    response = login_as(admin).post(url, {"name": "臨時往診", "name_en": "urgent home visits",
                                          "value_type": "text", "visibility": "professional"})
    assert response.status_code == 302
    builtin.refresh_from_db()
    assert (builtin.name, builtin.value_type, builtin.visibility) == ("臨時往診", "yes_no", "public")
    entry = AuditEntry.objects.filter(object_type="directory.collaborationattribute", action="update",
                                      object_id=str(builtin.pk)).get()
    assert entry.changes["name"] == ["往診", "臨時往診"]


def test_builtin_attributes_are_never_deleted(admin):
    builtin = CollaborationAttribute.objects.get(code="delivery")
    with pytest.raises(ValidationError):
        taxonomy_services.attribute_delete(membership=admin, attribute=builtin)
    assert CollaborationAttribute.objects.filter(pk=builtin.pk).exists()


def test_attributes_the_coverage_relies_on_stay_active(admin):
    with pytest.raises(ValidationError):
        taxonomy_services.attribute_set_active(
            membership=admin, attribute=CollaborationAttribute.objects.get(code="scheduled_home_visit"), active=False)


def test_an_answered_question_is_deactivated_not_deleted_and_keeps_its_answers(staff, login_as, municipality,
                                                                                category):
    client = login_as(staff)
    _add(client, municipality, category)
    attribute = CollaborationAttribute.objects.get(name="在宅での胃ろう交換")
    facility = FacilityFactory(municipality=municipality)
    set_details(facility, **{attribute.code: True})
    client.post(reverse("directory:attribute_delete", kwargs={"attribute_id": attribute.pk}))
    assert CollaborationAttribute.objects.filter(pk=attribute.pk).exists()
    client.post(reverse("directory:attribute_toggle_active", kwargs={"attribute_id": attribute.pk}))
    attribute.refresh_from_db()
    assert attribute.is_active is False
    assert facility.collaboration_details.filter(attribute=attribute).exists()
    form = client.get(reverse("directory:facility_details", kwargs={"facility_id": facility.pk})).context["form"]
    assert f"attr_{attribute.code}" not in form.fields


def test_an_unanswered_own_question_can_be_deleted(staff, login_as, municipality, category):
    client = login_as(staff)
    _add(client, municipality, category)
    attribute = CollaborationAttribute.objects.get(name="在宅での胃ろう交換")
    response = client.post(reverse("directory:attribute_delete", kwargs={"attribute_id": attribute.pk}))
    assert response.status_code == 302
    assert not CollaborationAttribute.objects.filter(pk=attribute.pk).exists()
    assert AuditEntry.objects.filter(object_type="directory.collaborationattribute", action="delete").exists()


def test_an_answered_question_keeps_its_answer_type_and_used_choices(staff, municipality, category):
    attribute = taxonomy_services.attribute_create(
        membership=staff, municipality=municipality, category=category, name="頻度", value_type="choice",
        choices=[{"code": "weekly", "name": "毎週"}, {"code": "monthly", "name": "毎月"}])
    set_details(FacilityFactory(municipality=municipality), **{attribute.code: "weekly"})
    with pytest.raises(ValidationError):
        taxonomy_services.attribute_update(membership=staff, attribute=attribute, value_type="text")
    with pytest.raises(ValidationError):
        taxonomy_services.attribute_update(membership=staff, attribute=attribute,
                                           choices=[{"code": "monthly", "name": "毎月"}])
    taxonomy_services.attribute_update(membership=staff, attribute=attribute,
                                       choices=[{"code": "weekly", "name": "週1回"}])
    attribute.refresh_from_db()
    assert attribute.choices == [{"code": "weekly", "name": "週1回"}]


def test_the_list_shows_shared_and_own_questions_but_not_other_municipalities(
        staff, login_as, municipality, other_municipality, category, admin):
    taxonomy_services.attribute_create(membership=admin, municipality=other_municipality, category=category,
                                       name="舞鶴の質問", value_type="yes_no")
    taxonomy_services.attribute_create(membership=staff, municipality=municipality, category=category,
                                       name="福知山の質問", value_type="yes_no")
    body = login_as(staff).get(reverse("directory:taxonomy")).content.decode()
    assert "福知山の質問" in body and "往診" in body
    assert "舞鶴の質問" not in body


def test_only_a_system_administrator_adds_categories(staff, admin, login_as):
    assert login_as(staff).get(reverse("directory:category_create")).status_code == 403
    response = login_as(admin).post(reverse("directory:category_create"),
                                    {"name": "災害時の対応", "name_en": "disaster response", "sort_order": 90})
    assert response.status_code == 302
    assert CollaborationCategory.objects.get(name="災害時の対応").code == "disaster_response"


def test_the_service_refuses_without_the_policy(make_membership, municipality, category):
    with pytest.raises(PermissionDenied):
        taxonomy_services.attribute_create(membership=make_membership(Role.PROFESSIONAL), municipality=municipality,
                                           category=category, name="x", value_type="yes_no")
