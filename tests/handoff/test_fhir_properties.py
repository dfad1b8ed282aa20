"""Property tests of the FHIR writers and readers: whatever text a form holds comes back the same."""

import re

from hypothesis import given
from hypothesis import strategies as st

from renkei.handoff import fhir_documents as fd

# Text a form can hold: any printable characters and line breaks (XML forbids the other control characters).
text = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff") | st.just("\n"),
               max_size=200)
name_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=50)


@given(text)
def test_a_section_text_reads_back_as_written(value):
    div = fd._div(value)["div"]
    assert div.startswith('<div xmlns="http://www.w3.org/1999/xhtml">') and div.endswith("</div>")
    assert "<script" not in div.lower().replace("&lt;script", "")
    assert fd._strip_div(div) == value


@given(name_text, text.map(str.strip))
def test_a_diagnosis_reads_back_as_written(name, onset):
    entry = fd._condition("urn:uuid:x", {"name": name, "onset": onset}, "urn:uuid:p", "encounter-diagnosis")
    assert fd._condition_item(entry["resource"]) == {"name": name, "onset": onset}
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", onset or "-") and "onsetDateTime" in entry["resource"]:
        assert entry["resource"]["onsetDateTime"] == onset


@given(name_text, text, text)
def test_a_medication_reads_back_as_written(name, dose, usage):
    item = {"name": name, "dose": dose, "usage": usage}
    entry = fd._medication("urn:uuid:x", item, "urn:uuid:p", "2026-11-20")
    assert fd._medication_item(entry["resource"]) == item


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25)
KEYS = ["resourceType", "type", "entry", "resource", "fullUrl", "section", "code", "coding", "text", "div", "event",
        "period", "author", "subject", "reference", "name", "dosageInstruction", "timing", "content", "reasonCode"]


def _document_like(draw_values):
    return st.fixed_dictionaries({
        "resourceType": st.just("Bundle"), "type": st.just("document"),
        "entry": st.lists(st.fixed_dictionaries({
            "fullUrl": st.sampled_from(["urn:uuid:a", "urn:uuid:b"]),
            "resource": st.fixed_dictionaries({
                "resourceType": st.sampled_from(["Composition", "Patient", "Condition", "MedicationRequest",
                                                 "Encounter", "DocumentReference"]),
                "type": st.just({"coding": [{"code": "18842-5"}]}) | draw_values,
            }, optional={k: draw_values for k in KEYS[5:]} | {"subject": st.just({"reference": "urn:uuid:b"})})}),
            max_size=4)})


@given(json_values)
def test_any_json_is_read_or_refused_with_a_reason_never_a_crash(value):
    try:
        fd.parse_discharge_summary(value)
    except fd.FhirDocumentError as error:
        assert error.reasons


@given(_document_like(json_values))
def test_a_document_of_odd_shapes_is_read_or_refused_with_a_reason(bundle):
    for reader in (fd.parse_discharge_summary, fd.bundle_patient):
        try:
            reader(bundle)
        except fd.FhirDocumentError as error:
            assert error.reasons
