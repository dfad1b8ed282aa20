"""Server time of the main screens, as a ratio to the cheapest authenticated page in the same run.

Baseline: /health/ (one SELECT 1, no template). Each page is requested N times through Django's test
client (no network), logged in as the demo's municipal staff member; p50 and p95 are printed in ms.
"""

import time

from _setup import django_with_demo, percentile

REPEAT = 40


def main() -> None:
    django_with_demo()
    from renkei.core.models import Membership, Organization
    from tests.conftest import client_for  # the same logged-in client the tests use

    client = client_for(Membership.objects.select_related("user").get(user__email="admin@demo.renkei.example"))
    org = Organization.objects.filter(municipality__code="262013").first()
    pages = {
        "health (baseline)": "/health/",
        "home": "/",
        "places": "/places/",
        "prefecture 26 (paged)": "/places/p/26/",
        "municipality 262013": "/places/m/262013/",
        "organizations": "/organizations/",
        "organization search (kana)": "/organizations/?q=やまだ",
        "organization detail": f"/organizations/{org.pk}/",
        "audit log": "/audit/",
        "api municipalities": "/api/v1/municipalities?q=ふくち",
    }
    results = {}
    for label, url in pages.items():
        assert client.get(url).status_code == 200, url
        timings = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        results[label] = (percentile(timings, 50), percentile(timings, 95))
    base = results["health (baseline)"][0]
    print(f"{'page':32} {'p50 ms':>8} {'p95 ms':>8} {'ratio p50/baseline':>20}")
    for label, (p50, p95) in results.items():
        print(f"{label:32} {p50:8.2f} {p95:8.2f} {p50 / base:20.1f}")


if __name__ == "__main__":
    main()
