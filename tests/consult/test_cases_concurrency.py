"""Case numbers under concurrent recording: the desk's row lock gives every case its own number (PostgreSQL,
where two transactions really run at once; SQLite serializes writes anyway)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from renkei.consult.models import Case

from .case_helpers import recorded
from .factories import build_world

WORKERS = 6


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_recordings_on_one_desk_take_distinct_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL)")
    world = build_world()
    received = timezone.now()
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def record() -> None:
        try:
            barrier.wait(timeout=30)
            recorded(world, received_at=received, topics=[])
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    numbers = sorted(Case.objects.filter(desk=world.desk).values_list("number", flat=True))
    prefix = numbers[0].split("-")[0]
    assert numbers == [f"{prefix}-{n:04d}" for n in range(1, WORKERS + 1)]


def test_numbers_of_two_desks_are_independent(world):
    first = recorded(world)
    from renkei.consult.services import cases as services

    other = services.next_case_number(world.neighbour_desk, first.received_at)
    assert other == first.number
