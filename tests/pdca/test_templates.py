"""Logic-model templates: JSON packages saved by prefectures and municipalities, applied as a new draft."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from renkei.core.models import AuditEntry
from renkei.indicators.models import IndicatorDefinition
from renkei.pdca.models import LogicModelTemplate
from renkei.pdca.services.logic_model_files import logic_model_export, logic_model_import
from renkei.pdca.services.plans import plan_period_create
from renkei.pdca.services.templates import (
    logic_model_template_apply,
    logic_model_template_content,
    logic_model_template_save,
    template_read,
)


@pytest.fixture
def source(staff, municipality, small_file):
    result = logic_model_import(membership=staff, municipality=municipality, data=small_file, file_name="a.csv",
                                fiscal_year=2024)
    builtin = IndicatorDefinition.objects.create(code="HOME_DEATH", name_ja="在宅看取り数", kind="outcome")
    result.logic_model.indicators.filter(label="在宅看取り数").update(definition=builtin)
    own = IndicatorDefinition.objects.create(code="OWN_1", name_ja="独自", kind="outcome",
                                             owner_municipality=municipality)
    result.logic_model.indicators.filter(label="訪問診療を受けた患者数").update(definition=own)
    return result.logic_model


def test_content_has_the_format_and_definition_codes(source):
    content = logic_model_template_content(source)
    assert (content["format"], content["version"]) == ("renkei-logic-model", 1)
    assert len(content["measures"]) == 3 and len(content["placements"]) == 5
    assert {i["definition"] for i in content["indicators"]} == {None, "HOME_DEATH", "OWN_1"}
    assert json.loads(json.dumps(content, ensure_ascii=False)) == content


def test_applying_to_another_municipality_resolves_codes_in_its_reach(source, other_staff, other_municipality):
    content = logic_model_template_content(source)
    plan = plan_period_create(membership=other_staff, municipality=other_municipality, term_number=9,
                              start_fiscal_year=2024)
    applied = logic_model_template_apply(membership=other_staff, template=content, plan=plan)
    assert applied.unresolved_codes == ["OWN_1"]
    model = applied.logic_model
    assert model.status == "draft" and model.placements.count() == 5
    assert model.indicators.get(label="在宅看取り数").definition.code == "HOME_DEATH"
    assert model.indicators.get(label="訪問診療を受けた患者数").definition is None
    # The package reproduces the table exactly (the overall goal is the municipality's own, not the template's).
    def table(logic_model):
        content = logic_model_export(membership=None, logic_model=logic_model, file_format="csv")[0]
        return [line.rsplit(b",", 1)[0] for line in content.splitlines()]

    assert table(model) == table(source)
    assert AuditEntry.objects.filter(action="create", object_id=str(model.pk),
                                     object_type__icontains="logicmodel").exists()


def test_prefecture_staff_save_prefecture_templates_and_municipalities_see_them(source, prefecture_staff, staff,
                                                                               other_staff, municipality):
    template = logic_model_template_save(membership=prefecture_staff, name="京都府標準",
                                         content=logic_model_template_content(source),
                                         prefecture=municipality.prefecture)
    assert template.municipality is None
    from renkei.core import policy

    assert policy.check(staff, "pdca.view_templates", template)
    assert policy.check(other_staff, "pdca.view_templates", template)  # same prefecture
    with pytest.raises(PermissionDenied):
        logic_model_template_save(membership=staff, name="x", content=logic_model_template_content(source),
                                  prefecture=municipality.prefecture)


def test_municipal_template_is_not_shown_to_another_prefecture(source, staff, municipality, other_prefecture_staff):
    from renkei.core import policy

    template = logic_model_template_save(membership=staff, name="福知山市版",
                                         content=logic_model_template_content(source), municipality=municipality)
    assert not policy.check(other_prefecture_staff, "pdca.view_templates", template)
    assert not policy.scope(other_prefecture_staff, "pdca.view_templates", LogicModelTemplate.objects.all()).exists()


@pytest.mark.parametrize("data, reason", [
    (b"not json", "JSON"),
    (b'{"format": "other"}', "renkei-logic-model"),
    (json.dumps({"format": "renkei-logic-model", "version": 1, "outcomes": [{"key": "o", "scene": "nowhere",
                 "text": "x"}], "measures": [], "placements": [], "indicators": []}).encode(), "nowhere"),
    (json.dumps({"format": "renkei-logic-model", "version": 1, "outcomes": [], "measures": [],
                 "placements": [{"number": 1, "measure": "m", "outcome": "o"}], "indicators": []}).encode(), "行 1"),
])
def test_bad_packages_are_refused_with_a_reason(data, reason):
    content, problems = template_read(data)
    assert content is None and any(reason in ja for ja, _en in problems.errors)


def test_upload_download_and_apply_screens(login_as, staff, source, municipality):
    client = login_as(staff)
    package = json.dumps(logic_model_template_content(source), ensure_ascii=False).encode()
    response = client.post(reverse("pdca:template_upload"), {
        "name": "共有版", "description": "", "file": SimpleUploadedFile("t.json", package)})
    assert response.status_code == 302
    template = LogicModelTemplate.objects.get(name="共有版")
    assert template.municipality == municipality
    download = client.get(reverse("pdca:template_download", args=[template.pk]))
    assert json.loads(download.content) == template.content
    applied = client.post(reverse("pdca:template_apply", args=[template.pk]), {"plan": source.plan_id})
    assert applied.status_code == 302
    assert source.plan.logic_models.count() == 2


def test_bad_upload_shows_a_report(login_as, staff, source):
    response = login_as(staff).post(reverse("pdca:template_upload"), {
        "name": "x", "file": SimpleUploadedFile("t.json", b'{"format": "x"}')})
    assert response.status_code == 400 and 'data-rejected="1"' in response.content.decode()
    assert not LogicModelTemplate.objects.exists()


def test_professionals_see_no_templates(login_as, professional):
    assert login_as(professional).get(reverse("pdca:template_list")).status_code == 403
