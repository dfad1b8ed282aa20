"""The timeline API: the same policy, services and read entries as the screens."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from renkei.careteams.models import Post
from renkei.careteams.services.timeline import post_create
from renkei.core.models import APIToken, AuditEntry
from renkei.core.services.accounts import api_token_create

from .timeline_world import build_team, jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return build_team()


def api(membership, scope=None):
    kwargs = {"scope": scope} if scope else {}
    token = api_token_create(membership=membership, name="test", **kwargs)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def base(team):
    return f"/api/v1/patients/{team.patient.pk}"


def write(team, who="nurse", **kwargs):
    kwargs.setdefault("text", "訪問しました。")
    return post_create(membership=getattr(team, who), patient=team.patient, **kwargs).post


def test_the_timeline_comes_a_page_at_a_time(team):
    posts = [write(team) for _ in range(3)]
    response = api(team.doctor).get(f"{base(team)}/timeline")
    assert response.status_code == 200
    body = response.json()
    assert [p["id"] for p in body["posts"]] == [p.pk for p in reversed(posts)]
    assert body["older"] == "" and body["unacknowledged"] == 3
    assert body["posts"][0]["author"]["member_id"] == team.members.nurse.pk
    assert AuditEntry.objects.filter(action="read", subject_id=team.patient.pk, changes__what="timeline").exists()


def test_posting_json_with_observations(team):
    response = api(team.nurse).post(f"{base(team)}/timeline", data=json.dumps({
        "text": "バイタル", "kind": "observation", "observations": {"temperature": 37.5, "spo2": "95"},
        "mentions": [team.members.doctor.pk], "client_key": "9a8b7c6d-1111-4222-8333-444455556666"}),
        content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["observations"] == {"temperature": 37.5, "spo2": 95}
    assert [m["member_id"] for m in body["mentions"]] == [team.members.doctor.pk]
    again = api(team.nurse).post(f"{base(team)}/timeline", data=json.dumps({
        "text": "バイタル", "client_key": "9a8b7c6d-1111-4222-8333-444455556666"}), content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == body["id"] and Post.objects.count() == 1


def test_posting_multipart_with_a_photo(team):
    response = api(team.nurse).post(f"{base(team)}/timeline", data={
        "text": "写真", "observations": json.dumps({}), "files": [jpeg("足.jpg")]})
    assert response.status_code == 201, response.content
    attachment = response.json()["attachments"][0]
    assert attachment["file_name"] == "足.jpg" and attachment["content_type"] == "image/jpeg"
    download = api(team.doctor).get(attachment["url"])
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("payload, field", [
    ({"kind": "observation", "observations": {"pulse": 400}}, "pulse"),
    ({"text": ""}, "text"),
    ({"text": "x", "kind": "message"}, "recipients"),
    ({"text": "x", "urgency": "panic"}, "urgency"),
])
def test_a_refused_post_answers_422_with_reasons_in_both_languages(team, payload, field):
    response = api(team.nurse).post(f"{base(team)}/timeline", data=json.dumps(payload),
                                    content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and body["detail_en"]
    assert field in {e["field"] for e in body["errors"]}


def test_a_refused_file_answers_422_with_its_reason(team):
    response = api(team.nurse).post(f"{base(team)}/timeline", data={
        "text": "x", "files": [SimpleUploadedFile("a.pdf", b"not a pdf at all")]})
    assert response.status_code == 422
    assert response.json()["detail"] == "a.pdf: 画像として読めないファイルです。"
    assert not Post.objects.exists()


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"{\"mentions\": [\"x\"]}", b"\xff\xfe"])
def test_bad_bodies_answer_422_not_500(team, body):
    response = api(team.nurse).post(f"{base(team)}/timeline", data=body, content_type="application/json")
    assert response.status_code == 422


def test_acknowledging_through_the_api(team):
    post = write(team)
    response = api(team.doctor).post(f"{base(team)}/timeline/{post.pk}/acknowledge")
    assert response.status_code == 200 and response.json()["acknowledged_by_me"] is True
    assert api(team.doctor).post(f"{base(team)}/timeline/{post.pk}/acknowledge").status_code == 200
    assert post.acknowledgements.count() == 1


def test_outsiders_are_refused_everywhere(team):
    post = write(team, files=[jpeg()])
    attachment = post.attachments.get()
    client = api(team.outsider)
    assert client.get(f"{base(team)}/timeline").status_code == 403
    assert client.post(f"{base(team)}/timeline", data=json.dumps({"text": "x"}),
                       content_type="application/json").status_code == 403
    assert client.post(f"{base(team)}/timeline/{post.pk}/acknowledge").status_code == 403
    assert client.get(f"{base(team)}/attachments/{attachment.pk}").status_code == 403
    assert AuditEntry.objects.filter(action="refuse", subject_id=team.patient.pk).count() >= 4


def test_a_token_without_patient_data_is_refused(team):
    write(team)
    client = api(team.doctor, scope=APIToken.Scope.NO_PATIENT_DATA)
    assert client.get(f"{base(team)}/timeline").status_code == 403


def test_a_read_only_token_cannot_post(team):
    client = api(team.nurse, scope=APIToken.Scope.READ_ONLY)
    response = client.post(f"{base(team)}/timeline", data=json.dumps({"text": "x"}), content_type="application/json")
    assert response.status_code == 403 and not Post.objects.exists()


def test_anonymous_callers_get_401(team, client):
    assert client.get(f"{base(team)}/timeline").status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/patients/99999999999999999999/timeline",
                                  "/api/v1/patients/1/timeline/99999999999999999999/acknowledge",
                                  "/api/v1/patients/1/attachments/99999999999999999999"])
def test_huge_ids_are_not_found_or_invalid_never_500(team, path):
    client = api(team.doctor)
    response = client.post(path) if "acknowledge" in path else client.get(path)
    assert response.status_code in (403, 404, 422)


@pytest.mark.parametrize("path, method", [
    ("/api/v1/patients/{patient_id}/timeline", "GET"),
    ("/api/v1/patients/{patient_id}/timeline", "POST"),
    ("/api/v1/patients/{patient_id}/timeline/{post_id}/acknowledge", "POST"),
    ("/api/v1/patients/{patient_id}/attachments/{attachment_id}", "GET"),
])
def test_no_generated_timeline_request_answers_with_a_server_error(fuzz_schema, team, path, method):
    from hypothesis import HealthCheck, given, settings

    post = write(team, files=[jpeg()])
    token = api_token_create(membership=team.doctor, name="fuzz")[1]
    operation = fuzz_schema[path][method]
    statuses: list[int] = []

    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(case=operation.as_strategy())
    def call(case):
        if case.path_parameters and len(statuses) % 2 == 0:  # half on the real patient, so the body varies
            case.path_parameters.update({"patient_id": team.patient.pk, "post_id": post.pk,
                                         "attachment_id": post.attachments.get().pk})
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        statuses.append(response.status_code)
        assert response.status_code < 500, f"{case.formatted_path} {case.query} {case.body!r}: {response.text}"

    call()
    assert 401 not in statuses
