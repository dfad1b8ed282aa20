"""The logic-model diagram: well-formed SVG holding every measure, outcome and goal."""

import xml.etree.ElementTree as ET

from renkei.pdca.diagram import logic_model_svg, text_width, wrap
from renkei.pdca.selectors.logic_models import logic_model_tables
from renkei.pdca.services.logic_model_files import logic_model_import
from renkei.pdca.services.plans import goal_revise

SVG = "{http://www.w3.org/2000/svg}"


def _svg_of(staff, municipality, data):
    result = logic_model_import(membership=staff, municipality=municipality, data=data, file_name="f.csv",
                                fiscal_year=2024)
    goal_revise(membership=staff, plan=result.plan, scene="end_of_life", text="最期まで自分らしく", reason="")
    return result.logic_model, logic_model_svg(logic_model_tables(result.logic_model), "全ての市民が安心して暮らす")


def _texts(root) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_diagram_of_the_real_file_is_well_formed_and_holds_every_measure(staff, municipality, fukuchiyama_bytes):
    model, svg = _svg_of(staff, municipality, fukuchiyama_bytes)
    root = ET.fromstring(svg)  # noqa: S314 (our own SVG)
    assert root.tag == f"{SVG}svg"
    keys = [g.get("data-key") for g in root.iter(f"{SVG}g") if g.get("class") == "box box-measure"]
    assert len(keys) == 55
    assert set(keys) == set(model.measures.values_list("key", flat=True))
    outcome_boxes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "box box-outcome"]
    assert len(outcome_boxes) == 6
    joined = "".join("".join(_texts(root)).split())  # wrapped lines are separate tspans
    for text in model.measures.values_list("text", flat=True):
        assert "".join(text.split()) in joined


def test_diagram_links_measures_to_outcomes_to_scene_goals_to_the_overall_goal(staff, municipality, small_file):
    _model, svg = _svg_of(staff, municipality, small_file)
    root = ET.fromstring(svg)  # noqa: S314 (our own SVG)
    assert len(list(root.iter(f"{SVG}path"))) == 5 + 3 + 3  # rows→outcomes, outcomes→scenes, scenes→overall
    texts = "".join(_texts(root))
    assert "最期まで自分らしく" in texts and "全ての市民が安心して暮らす" in texts and "(再)" in texts


def test_text_that_needs_escaping_stays_well_formed(staff, municipality, small_file):
    data = small_file.decode().replace("窓口の明確化", "<窓口> & \"明確化\"").encode()
    _model, svg = _svg_of(staff, municipality, data)
    assert "<窓口> & \"明確化\"" in "".join(_texts(ET.fromstring(svg)))  # noqa: S314 (our own SVG)


def test_wrap_keeps_lines_within_the_box():
    lines = wrap("多職種の顔の見える関係づくりと、日頃から必要な相談や協議ができる雰囲気づくり", 200)
    assert len(lines) > 1 and all(text_width(line) <= (200 - 12) / 12 + 1 for line in lines)
    assert "".join(lines) == "多職種の顔の見える関係づくりと、日頃から必要な相談や協議ができる雰囲気づくり"
