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
