"""Query budgets of list pages: how many queries a page takes with few rows, to assert it takes no more with many."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of(call) -> int:
    """The number of queries `call()` (a request returning a response) takes; the response must be a 200."""
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content[:300]
    return len(captured)
