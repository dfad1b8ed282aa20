"""What a page of 100 facilities pays for the audit on load: now (nothing) against the old post_init snapshot.

Baseline, in the same run: the snapshot the audit used to take of every audited row when it was loaded
(reconnected here as it was). Measured: loading and rendering a page of 100 facilities as the search
does (`select_related` of the municipality, each row turned into the fields a result shows).
"""

import time

from _setup import django_with_demo, percentile

PAGE = 100
REPEAT = 200


def main() -> None:
    django_with_demo()
    from django.db.models.signals import post_init

    from renkei.core import audit
    from renkei.core.models import Municipality
    from renkei.directory.models import Facility
    from tests.factories import FacilityFactory

    municipality = Municipality.objects.select_related("prefecture").get(code="262013")
    Facility.objects.bulk_create(FacilityFactory.build(municipality=municipality) for _ in range(PAGE))

    def old_snapshot_on_load(sender, instance, **kwargs):  # renkei/core/audit.py before issue 8
        if audit._is_audited(sender) and instance.pk is not None:
            instance._audit_snapshot = audit._field_values(instance)

    def page_ms() -> list[float]:
        timings = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            rows = [{"id": f.pk, "name": f.name, "kana": f.kana, "address": f.address, "phone": f.phone,
                     "municipality": f.municipality.name}
                    for f in Facility.objects.select_related("municipality").order_by("pk")[:PAGE]]
            assert len(rows) == PAGE
            timings.append((time.perf_counter() - start) * 1000)
        return timings

    page_ms()  # warm-up
    post_init.connect(old_snapshot_on_load)
    old = page_ms()
    post_init.disconnect(old_snapshot_on_load)
    new = page_ms()
    for label, timings in (("snapshot on load (old, baseline)", old), ("no snapshot on load (now)", new)):
        print(f"{label:34} p50 {percentile(timings, 50):6.2f} ms  p95 {percentile(timings, 95):6.2f} ms")
    print(f"ratio now / old (p50): {percentile(new, 50) / percentile(old, 50):.2f}")


if __name__ == "__main__":
    main()
