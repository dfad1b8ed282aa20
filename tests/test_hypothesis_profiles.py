"""Property tests are reproducible: the `ci` profile (default, `make test`, CI) draws the same examples on
every run; `HYPOTHESIS_PROFILE=dev` draws fresh ones (tests/conftest.py)."""

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

IS_DEV = (os.environ.get("HYPOTHESIS_PROFILE") or "ci") == "dev"


def draws() -> list:
    seen: list = []

    @given(st.text(max_size=20), st.integers())
    def record(text, number):
        seen.append((text, number))

    record()
    return seen


@pytest.mark.skipif(IS_DEV, reason="the dev profile draws random examples on purpose")
def test_the_default_profile_draws_the_same_examples_on_every_run():
    assert settings.default.derandomize and settings.default.print_blob
    assert draws() == draws()


@pytest.mark.skipif(not IS_DEV, reason="only under HYPOTHESIS_PROFILE=dev")
def test_the_dev_profile_draws_fresh_examples():
    assert not settings.default.derandomize
