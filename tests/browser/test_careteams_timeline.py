"""The shared timeline on a 390 px phone (issue 10, item 4): a visiting nurse posts a photo with one hand, a post
being written survives a reload (kept in the browser until the server confirms it), and the doctor acknowledges
a post with the keyboard."""

from __future__ import annotations

import io

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, demo_email

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]
pytest.importorskip("playwright.sync_api")

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def patient(demo):
    """A patient registered by the demo's care manager, with the demo's nurse and doctor on the team."""
    from renkei.careteams.models import TeamRole
    from renkei.core.models import Membership
    from tests.careteams.factories import ConsentFactory, PatientFactory, team_with

    def member(handle):
        return Membership.objects.select_related("organization").get(user__email=demo_email(handle))

    care_manager = member("caremanager")
    patient = PatientFactory(registered_by=care_manager, name="試験 タイムライン", kana="シケン タイムライン")
    ConsentFactory(patient=patient, recorded_by=care_manager)
    team_with(patient, member("nurse"), TeamRole.VISITING_NURSE)
    team_with(patient, member("doctor"), TeamRole.ATTENDING_DOCTOR)
    return patient


def _photo(tmp_path):
    from PIL import Image

    path = tmp_path / "足の写真.jpg"
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def _no_sideways_scroll(page):
    scroll_width, inner_width = page.evaluate(WIDTHS_JS)
    assert inner_width == PHONE["width"]
    assert scroll_width <= inner_width + 1, f"the timeline is {scroll_width}px wide on a 390px phone"


def test_a_nurse_posts_a_photo_from_a_phone(phone_page, page_errors, login, screenshot, patient, tmp_path):
    from renkei.careteams.models import Post

    page = phone_page
    login(page, demo_email("nurse"))
    response = page.goto(f"/patients/{patient.pk}/timeline/")
    assert response is not None and response.status == 200
    _no_sideways_scroll(page)
    send = page.locator("#compose button[type=submit]")
    box = send.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44, "the send button is a large target"
    assert box["y"] + box["height"] <= PHONE["height"], "the send button is on the first screen, in thumb reach"
    page.locator("#compose summary").click()
    vitals = page.locator("#compose fieldset[data-group=vitals]")
    assert not vitals.is_visible(), "a note shows no observation fields"
    page.select_option("#compose select[name=kind]", "observation")
    assert vitals.is_visible(), "choosing an observation reveals its fields"
    page.fill("#compose input[name=obs_temperature]", "37.2")
    page.locator("#compose input[name=files][multiple]").set_input_files(str(_photo(tmp_path)))
    page.fill("#compose textarea[name=text]", "右足の発赤、写真を共有します")
    send.click()
    page.locator(".post .post-text", has_text="右足の発赤").wait_for()
    post = Post.objects.get(patient=patient)
    assert post.observations == {"temperature": 37.2}
    assert "37.2℃" in page.locator(f"#post-{post.pk} .post-observations").inner_text()
    assert post.attachments.get().original_name == "足の写真.jpg"
    link = page.locator(".post-attachments a", has_text="足の写真.jpg")
    href = link.get_attribute("href")
    download = page.request.get(href)
    assert download.status == 200 and download.headers["x-content-type-options"] == "nosniff"
    assert page.evaluate(f"localStorage.getItem('renkei.timeline.draft.{patient.pk}')") is None
    assert page.locator("#compose textarea[name=text]").input_value() == ""
    _no_sideways_scroll(page)
    screenshot(page, "phone_timeline_posted_photo")
    assert page_errors.messages == [], "\n".join(page_errors.messages)


def test_the_post_being_written_survives_a_reload(phone_page, page_errors, login, patient):
    from renkei.careteams.models import Post

    page = phone_page
    login(page, demo_email("nurse"))
    page.goto(f"/patients/{patient.pk}/timeline/")
    page.fill("#compose textarea[name=text]", "夕方に再訪予定（書きかけ）")
    page.locator("#draft-state.draft-state").filter(has_text="下書き").wait_for()
    page.reload()
    page.wait_for_load_state("load")
    assert page.locator("#compose textarea[name=text]").input_value() == "夕方に再訪予定（書きかけ）"
    assert "下書き" in page.locator("#draft-state").inner_text()
    # The connection drops: the send fails, the draft stays.
    page.context.set_offline(True)
    page.locator("#compose button[type=submit]").click()
    page.locator("#draft-state.draft-error").wait_for()
    assert not Post.objects.filter(patient=patient).exists()
    page.context.set_offline(False)
    page_errors.clear()  # htmx reports the failed send on the console: expected while offline
    page.locator("#compose button[type=submit]").click()
    page.locator(".post .post-text", has_text="夕方に再訪予定").wait_for()
    assert Post.objects.filter(patient=patient).count() == 1
    assert page.evaluate(f"localStorage.getItem('renkei.timeline.draft.{patient.pk}')") is None
    page.reload()
    assert page.locator("#compose textarea[name=text]").input_value() == ""
    assert page_errors.messages == [], "\n".join(page_errors.messages)


def test_the_doctor_acknowledges_a_post_with_the_keyboard(phone_page, page_errors, login, patient):
    from renkei.careteams.models import Acknowledgement
    from renkei.careteams.services.timeline import post_create
    from renkei.core.models import Membership

    nurse = Membership.objects.get(user__email=demo_email("nurse"))
    post = post_create(membership=nurse, patient=patient, text="SpO2 低下、確認をお願いします", urgency="urgent").post
    page = phone_page
    login(page, demo_email("doctor"))
    page.goto(f"/patients/{patient.pk}/timeline/")
    button = page.locator(f"#post-{post.pk} button.acknowledge")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44
    button.focus()
    page.keyboard.press("Enter")
    page.locator(f"#post-{post.pk} .acknowledged").wait_for()
    assert Acknowledgement.objects.filter(post=post, member__membership__user__email=demo_email("doctor")).exists()
    page.locator(f"#post-{post.pk} .post-readers summary").focus()
    page.keyboard.press("Enter")
    assert page.locator(f"#post-{post.pk} .post-readers li").count() == 1
    _no_sideways_scroll(page)
    assert page_errors.messages == [], "\n".join(page_errors.messages)


def test_older_posts_load_below_on_a_phone(phone_page, page_errors, login, patient):
    from renkei.careteams.services.timeline import post_create
    from renkei.core.models import Membership

    nurse = Membership.objects.get(user__email=demo_email("nurse"))
    for n in range(23):
        post_create(membership=nurse, patient=patient, text=f"記録 {n:02d}")
    page = phone_page
    login(page, demo_email("doctor"))
    page.goto(f"/patients/{patient.pk}/timeline/")
    assert page.locator("#posts > li.post").count() == 20
    page.locator("#older a").click()
    page.locator("#posts > li.post", has_text="記録 00").wait_for()
    texts = page.locator("#posts > li.post .post-text").all_inner_texts()
    assert texts == [f"記録 {n:02d}" for n in range(22, -1, -1)]
    assert page.locator("#older").count() == 0
    assert page_errors.messages == [], "\n".join(page_errors.messages)
