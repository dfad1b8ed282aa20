"""Shared fixtures: memberships of each role, logged-in clients, API tokens; hypothesis profiles."""

import os
import time

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from renkei.core import second_factor
from renkei.core.middleware import MembershipMiddleware, TwoFactorMiddleware
from renkei.core.models import Organization, Role
from renkei.core.services.accounts import api_token_create

from .factories import MembershipFactory, MunicipalityFactory, OrganizationFactory

# Property tests: `ci` draws the same examples on every run (derandomize: a submission cannot pass or fail
# by luck) and prints the blob to replay a failure; it is the default, and what `make test` and CI use.
# `HYPOTHESIS_PROFILE=dev pytest …` draws fresh random examples locally to find new failures.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True, max_examples=100, deadline=None,
                                     database=None)
hypothesis_settings.register_profile("dev", print_blob=True, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "ci")


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(jis_code="26201", name="福知山市", kana="フクチヤマシ")


@pytest.fixture
def other_municipality(db):
    return MunicipalityFactory(jis_code="26202", name="舞鶴市", kana="マイヅルシ")


@pytest.fixture
def municipal_office(municipality):
    return OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, name="福知山市役所",
                               municipality=municipality)


@pytest.fixture
def make_membership(db, municipality):
    """Make an active membership of a role, in an organization of `municipality` unless given."""

    def make(role: str = Role.MUNICIPAL_STAFF, organization=None, **kwargs):
        organization = organization or OrganizationFactory(municipality=municipality)
        return MembershipFactory(role=role, organization=organization, **kwargs)

    return make


def client_for(membership) -> Client:
    """A test client logged in as the membership, second factor passed (just now)."""
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[MembershipMiddleware.KEY] = membership.pk
    session[TwoFactorMiddleware.SESSION_KEY] = True
    session[second_factor.SESSION_KEY] = int(time.time())  # proved just now: sensitive actions do not ask again
    session.save()
    return client


@pytest.fixture
def login_as():
    return client_for


@pytest.fixture
def api_token_for(db):
    def make(membership) -> str:
        return api_token_create(membership=membership, name="test")[1]

    return make


@pytest.fixture
def fuzz_schema():
    """The API's OpenAPI schema for schemathesis, calling the WSGI app in-process (inside the test's transaction)."""
    import schemathesis
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from renkei.api import api

    schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
    schema.app = WSGIHandler()
    # As Django's test client does: a request must not close the connection that holds the test transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schema
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def queued_jobs(settings):
    """Background jobs wait in the database queue (as in production) instead of running at once;
    `renkei.core.tasks.run_waiting_jobs()` then plays the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
                      "inline": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.RENKEI_JOB_RETRY_SECONDS = 0
    return settings.TASKS




@pytest.fixture(autouse=True)
def patient_files_root(settings, tmp_path_factory):
    """Patients' files of a test go to a temporary folder, never to the checkout's var/."""
    settings.RENKEI_PATIENT_FILES_ROOT = tmp_path_factory.getbasetemp() / "patient-files"
    return settings.RENKEI_PATIENT_FILES_ROOT
