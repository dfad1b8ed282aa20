"""Cost of the hash-chained audit append against a plain insert of a similar row, in the same run.

Baseline: LoginAttempt.objects.create (one INSERT, no chain). Measured: audit.record (row lock on the
chain head, hash, INSERT, head UPDATE). Also times `audit.verify()` over the whole log.
"""

import time

from _setup import django_with_demo

N = 2000


def main() -> None:
    django_with_demo()
    from django.db import transaction

    from renkei.core import audit
    from renkei.core.models import AuditEntry, LoginAttempt

    def timed(fn) -> float:
        start = time.perf_counter()
        with transaction.atomic():
            for i in range(N):
                fn(i)
        return time.perf_counter() - start

    base = timed(lambda i: LoginAttempt.objects.create(username=f"u{i}", succeeded=True))
    chained = timed(lambda i: audit.record(action="update", object_type="bench.row", object_id=i,
                                           changes={"field": [i, i + 1]}))
    start = time.perf_counter()
    result = audit.verify()
    verify_s = time.perf_counter() - start
    assert result.is_intact
    print(f"plain insert (baseline): {N / base:9.0f} rows/s")
    print(f"audit.record:            {N / chained:9.0f} entries/s   ratio to baseline {chained / base:.2f}x time")
    print(f"audit.verify:            {AuditEntry.objects.count() / verify_s:9.0f} entries/s "
          f"({AuditEntry.objects.count()} entries in {verify_s:.2f} s)")


if __name__ == "__main__":
    main()
