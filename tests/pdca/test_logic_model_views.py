"""Logic-model screens: table, diagram, import (check, apply), edits through htmx, export, permissions."""

import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from renkei.core.models import AuditEntry
from renkei.pdca.models import LogicModel
from renkei.pdca.services.logic_model_files import logic_model_import
from tests.core.test_policy import world  # noqa: F401  (the fixture: one membership per role, a plan)


@pytest.fixture
def imported(staff, municipality, small_file):
    return logic_model_import(membership=staff, municipality=municipality, data=small_file, file_name="a.csv",
                              fiscal_year=2024)


def test_table_shows_every_row_with_repeat_mark_and_rowspans(login_as, staff, imported):
    response = login_as(staff).get(reverse("pdca:logic_model", args=[imported.plan.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("data-number=") == 5
    assert html.count('class="lm-repeat"') == 2
    assert 'rowspan="2"' in html and "退院カンファレンス実施回数" in html


def test_diagram_page_embeds_a_well_formed_svg(login_as, staff, imported):
    html = login_as(staff).get(reverse("pdca:logic_model_diagram", args=[imported.plan.pk])).content.decode()
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    root = ET.fromstring(svg)  # noqa: S314 (our own SVG)
    assert len([g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "box box-measure"]) == 5


def test_fukuchiyama_file_imports_through_the_screen_and_shows_as_table(login_as, staff, municipality,
                                                                        fukuchiyama_bytes):
    client = login_as(staff)
    url = reverse("pdca:logic_model_import", args=[municipality.code])
    upload = SimpleUploadedFile("fukuchiyama.csv", fukuchiyama_bytes, content_type="text/csv")
    checked = client.post(url, {"action": "check", "file": upload, "fiscal_year": "2024"})
    assert checked.status_code == 200 and 'data-rejected="0"' in checked.content.decode()
    assert not LogicModel.objects.exists()
    applied = client.post(url, {"action": "apply"})
    model = LogicModel.objects.get()
    assert applied.status_code == 302 and applied.url == reverse("pdca:logic_model", args=[model.plan_id])
    table = client.get(applied.url).content.decode()
    assert table.count("data-number=") == 55


def test_bad_file_through_the_screen_gives_a_report_not_an_error(login_as, staff, municipality):
    upload = SimpleUploadedFile("bad.csv", "番号,場面\r\n1,x\r\n".encode(), content_type="text/csv")
    response = login_as(staff).post(reverse("pdca:logic_model_import", args=[municipality.code]),
                                    {"action": "check", "file": upload, "fiscal_year": "2024"})
    assert response.status_code == 400 and 'data-rejected="1"' in response.content.decode()
    assert not LogicModel.objects.exists()


def test_export_download_is_the_layout_and_audited(login_as, staff, imported, small_file):
    response = login_as(staff).get(reverse("pdca:logic_model_export", args=[imported.plan.pk]),
                                   {"format": "csv", "encoding": "utf-8"})
    assert response.status_code == 200 and response.content == small_file
    assert "attachment" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(action="export", object_type__icontains="logicmodel").exists()


def test_editing_an_adopted_revision_starts_a_draft_and_keeps_the_adopted_one(login_as, staff, imported):
    from renkei.pdca.services.logic_models import logic_model_adopt

    logic_model_adopt(membership=staff, logic_model=imported.logic_model)
    outcome = imported.logic_model.outcomes.order_by("sort_order").first()
    response = login_as(staff).post(reverse("pdca:measure_save", args=[imported.plan.pk]),
                                    {"text": "新しい施策", "status": "planned", "outcome": outcome.key},
                                    HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "新しい施策" in response.content.decode()
    adopted, draft = imported.plan.logic_models.order_by("revision")
    assert adopted.status == "adopted" and not adopted.measures.filter(text="新しい施策").exists()
    assert draft.status == "draft" and draft.placements.get(measure__text="新しい施策").number == 6


def test_repeat_placement_through_the_screen_does_not_copy_the_measure(login_as, staff, imported):
    model = imported.logic_model
    measure = model.measures.get(text="窓口の明確化")
    outcome = model.outcomes.get(scene="end_of_life")
    response = login_as(staff).post(reverse("pdca:placement_add", args=[imported.plan.pk]),
                                    {"measure": measure.key, "outcome": outcome.key, "number": "2"})
    assert response.status_code == 302
    assert model.measures.filter(text="窓口の明確化").count() == 1
    placement = model.placements.get(number=2)
    assert placement.is_repeat and placement.measure == measure
    assert model.placements.get(number=3).measure.text == "多職種研修の実施"


def test_invalid_edit_answers_with_the_message_not_an_error(login_as, staff, imported):
    response = login_as(staff).post(reverse("pdca:outcome_save", args=[imported.plan.pk]),
                                    {"scene": "nowhere", "text": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["other_staff", "professional", "other_prefecture_staff"])
def test_outsiders_cannot_see_the_logic_model(request, login_as, imported, who):
    client = login_as(request.getfixturevalue(who))
    assert client.get(reverse("pdca:logic_model", args=[imported.plan.pk])).status_code == 403
    assert client.get(reverse("pdca:logic_model_diagram", args=[imported.plan.pk])).status_code == 403


def test_prefecture_staff_read_but_do_not_edit(login_as, prefecture_staff, imported, municipality):
    client = login_as(prefecture_staff)
    page = client.get(reverse("pdca:logic_model", args=[imported.plan.pk]))
    assert page.status_code == 200
    assert reverse("pdca:logic_model_edit", args=[imported.plan.pk]) not in page.content.decode()
    assert client.get(reverse("pdca:logic_model_edit", args=[imported.plan.pk])).status_code == 403
    assert client.post(reverse("pdca:outcome_save", args=[imported.plan.pk]),
                       {"scene": "daily_care", "text": "x"}).status_code == 403
    upload = SimpleUploadedFile("a.csv", b"x", content_type="text/csv")
    assert client.post(reverse("pdca:logic_model_import", args=[municipality.code]),
                       {"action": "check", "file": upload, "fiscal_year": "2024"}).status_code == 403


def test_revisions_and_compare_pages(login_as, staff, imported, municipality, small_file):
    data = small_file.decode().replace("窓口の明確化", "窓口の一本化").encode()
    logic_model_import(membership=staff, municipality=municipality, data=data, file_name="b.csv", fiscal_year=2024)
    client = login_as(staff)
    assert client.get(reverse("pdca:logic_model_revisions", args=[imported.plan.pk])).status_code == 200
    html = client.get(reverse("pdca:logic_model_compare", args=[imported.plan.pk]), {"new": "2"}).content.decode()
    assert "窓口の一本化" in html and 'data-kind="added"' in html and 'data-kind="removed"' in html


def _walk_pdca(client, start):
    """Follow every /pdca/ link from the start pages (the rest of the site has its own walk)."""
    from tests.core.test_link_walk import internal_links

    seen, failures, queue = {}, [], [(url, "(start)") for url in start]
    while queue:
        url, found_on = queue.pop(0)
        if url in seen or not url.startswith("/pdca/"):
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code in (403, 500) and found_on != "(start)" or response.status_code == 500:
            failures.append(f"{url} answers {response.status_code} (linked from {found_on})")
        elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            queue += [(link, url) for link in internal_links(response.content.decode()) if link not in seen]
    return seen, failures


@pytest.mark.parametrize("role", ["admin", "prefecture", "city", "coordinator", "doctor", "other_city",
                                  "other_prefecture"])
def test_pdca_pages_link_only_to_pages_the_role_may_open(world, role):  # noqa: F811
    from tests.conftest import client_for

    plan = world.pdca.plan
    start = [reverse("pdca:plan_index"), reverse("pdca:plan_detail", args=[plan.pk]),
             reverse("pdca:logic_model", args=[plan.pk]), reverse("pdca:logic_model_edit", args=[plan.pk]),
             reverse("pdca:template_list"), reverse("pdca:logic_model_revisions", args=[plan.pk])]
    seen, failures = _walk_pdca(client_for(world.members[role]), start)
    assert not failures, "\n".join(failures)
    if role == "city":
        assert seen.get(reverse("pdca:logic_model_diagram", args=[plan.pk])) == 200
        assert seen.get(reverse("pdca:measure_edit", args=[plan.pk, world.pdca.measure.key])) == 200
        assert seen.get(reverse("pdca:template_apply", args=[world.pdca.template.pk])) == 200


def test_indicator_is_linked_to_a_definition_from_the_edit_screen_and_shows_its_status(login_as, staff, imported,
                                                                                      municipality):
    import datetime as dt
    from decimal import Decimal

    from renkei.indicators.models import IndicatorDefinition, IndicatorTarget, IndicatorValue

    definition = IndicatorDefinition.objects.create(code="HOME_DEATH", name_ja="在宅看取り数", kind="outcome",
                                                    higher_is_better=True, decimals=0, unit="人")
    IndicatorValue.objects.create(definition=definition, area_level="municipality", area_key=f"M{municipality.code}",
                                  municipality=municipality, period_type="fiscal_year",
                                  period_start=dt.date(2024, 4, 1), value=Decimal("12"), origin="entered")
    IndicatorTarget.objects.create(definition=definition, municipality=municipality, start_fiscal_year=2024,
                                   end_fiscal_year=2026, final_value=Decimal("20"))
    client = login_as(staff)
    indicator = imported.logic_model.indicators.get(label="在宅看取り数")
    edit = client.get(reverse("pdca:logic_model_edit", args=[imported.plan.pk])).content.decode()
    assert f'name="indicator" value="{indicator.pk}"' in edit
    response = client.post(reverse("pdca:indicator_save", args=[imported.plan.pk]), {
        "indicator": indicator.pk, "outcome": indicator.outcome.key, "label": "在宅看取り数",
        "definition": definition.pk, "level": "outcome"})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.definition == definition
    table = client.get(reverse("pdca:logic_model", args=[imported.plan.pk])).content.decode()
    assert 'data-status="behind"' in table and "HOME_DEATH: 12人" in table


def test_the_55_row_table_takes_a_fixed_number_of_queries(login_as, staff, municipality, fukuchiyama_bytes,
                                                          django_assert_max_num_queries):
    plan = logic_model_import(membership=staff, municipality=municipality, data=fukuchiyama_bytes,
                              file_name="f.csv", fiscal_year=2024).plan
    client = login_as(staff)
    client.get(reverse("pdca:logic_model", args=[plan.pk]))  # warm the session and caches
    with django_assert_max_num_queries(20):
        response = client.get(reverse("pdca:logic_model", args=[plan.pk]))
    assert response.content.decode().count("data-number=") == 55
    with django_assert_max_num_queries(20):
        assert client.get(reverse("pdca:logic_model_diagram", args=[plan.pk])).status_code == 200
