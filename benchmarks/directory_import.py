"""Importing national-scale MHLW files (synthetic, exact layout) against a row-by-row ORM baseline, same run.

Measured: `import_file` on the seven files of benchmarks/generators/mhlw.py (facility files first, then the
speciality-and-hours files), then the same files again (every row unchanged), and peak memory (max RSS).
Baseline: the same facility rows written one by one through the ORM (look the identifier up, save the
facility with its per-row audit entry, create the identifier), on a sample. Coverage recomputation is
deferred (it is a background job, measured by benchmarks/directory_coverage.py).

    python benchmarks/directory_import.py                 # scale 0.1 (~24,500 facilities), about a minute
    python benchmarks/directory_import.py --scale 1       # national size (~245,000 facilities, ~570,000 hours rows)
    python benchmarks/directory_import.py --files DIR     # files generated before (generators/mhlw.py DIR --scale 1)

Each file's line gives its wall and CPU seconds (user + system) and its own peak memory: the high-water mark
of the resident set (VmHWM) is reset before each file where the kernel allows it (/proc/self/clear_refs).
"""

import argparse
import resource
import tempfile
import time
from pathlib import Path

from _setup import django_with_demo


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def reset_peak() -> bool:
    """Start a new high-water mark of the resident set (Linux ≥ 4.0); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_since_reset_mb() -> float:
    """VmHWM: the resident set's high-water mark since the last reset (or since the start)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1, help="1.0 = national size (default 0.1)")
    parser.add_argument("--sample", type=int, default=1500, help="rows for the row-by-row baseline")
    parser.add_argument("--files", type=Path, help="import the MHLW files already in this folder (no generating)")
    parser.add_argument("--no-reimport", action="store_true", help="skip the second, all-unchanged pass")
    args = parser.parse_args()
    django_with_demo()
    from django.db import transaction
    from generators.mhlw import generate

    from renkei.core.models import Municipality
    from renkei.directory.importers import mhlw
    from renkei.directory.importers.common import MunicipalityResolver
    from renkei.directory.models import Facility, FacilityIdentifier, ImportRun
    from renkei.directory.services.facilities import refresh_derived_fields
    from renkei.directory.services.imports import ImportContext, import_file

    places = [(m.jis_code, m.prefecture.name, m.name) for m in Municipality.objects.select_related("prefecture")
              .exclude(kind=Municipality.Kind.DESIGNATED_CITY).filter(abolished_on__isnull=True)]
    work = Path(tempfile.mkdtemp(prefix="renkei-mhlw-"))
    if args.files:
        paths = sorted(args.files.glob("*.csv"), key=lambda p: ("speciality" in p.name, p.name))
        print(f"{len(paths)} files from {args.files}")
    else:
        start = time.perf_counter()
        paths = generate(work / "edition", places=places, scale=args.scale)
        print(f"generated {len(paths)} files at scale {args.scale} in {time.perf_counter() - start:.1f} s ({work})")
    print(f"memory before importing (max RSS so far): {peak_rss_mb():.0f} MB")

    def import_all(label: str) -> None:
        context = ImportContext(coverage_municipality_ids=set())
        totals = {"facility": [0, 0.0], "hours": [0, 0.0]}
        cpu_began, wall_began, peaks = cpu_seconds(), time.perf_counter(), []
        for path in paths:
            reset_peak()
            began, cpu = time.perf_counter(), cpu_seconds()
            run = import_file(source="mhlw", file=path, file_name=path.name, context=context)
            seconds = time.perf_counter() - began
            cpu = cpu_seconds() - cpu
            peaks.append(peak_since_reset_mb())
            assert run.outcome == ImportRun.Outcome.APPLIED, run.rejected_rows[:3]
            group = "hours" if "speciality" in path.name else "facility"
            totals[group][0] += run.counts["rows"]
            totals[group][1] += seconds
            print(f"  {label:9} {path.name:45} {run.counts['rows']:8d} rows {seconds:7.1f} s "
                  f"{run.counts['rows'] / seconds:8.0f} rows/s, CPU {cpu:6.1f} s  created {run.counts['created']}, "
                  f"updated {run.counts['updated']}, unchanged {run.counts['unchanged']}; peak {peaks[-1]:.0f} MB")
        for group, (rows, seconds) in totals.items():
            print(f"{label} {group} files: {rows} rows in {seconds:.1f} s = {rows / seconds:.0f} rows/s")
        print(f"{label} all files: CPU {cpu_seconds() - cpu_began:.1f} s (user + system), "
              f"wall {time.perf_counter() - wall_began:.1f} s, peak memory {max(peaks):.0f} MB (the largest file's)")
        return totals

    first = import_all("import")
    rss_after_import = peak_rss_mb()
    again = None if args.no_reimport else import_all("re-import")

    # Baseline: row-by-row ORM on a sample of clinic rows with fresh IDs (nothing to match).
    sample_dir = work / "sample"
    sample = generate(sample_dir, places=places, scale=args.sample / 105000, seed=7, id_offset=9_000_000_000)
    clinic_file = next(p for p in sample if p.name.startswith("02-1"))
    parsed = mhlw.parse(clinic_file.read_bytes(), file_name=clinic_file.name, resolver=MunicipalityResolver())
    began = time.perf_counter()
    with transaction.atomic():
        for record in parsed.facilities:
            scheme, value = record.identifiers[0]
            facility = Facility.objects.filter(identifiers__scheme=scheme, identifiers__value=value).first()
            if facility is None:
                facility = Facility(prefecture_id=record.municipality.prefecture_id,
                                    municipality_id=record.municipality.pk, sources={"mhlw": "baseline"},
                                    **record.values)
                refresh_derived_fields(facility)
                facility.save()
                FacilityIdentifier.objects.create(facility=facility, scheme=scheme, value=value)
    baseline_seconds = time.perf_counter() - began
    baseline_rate = len(parsed.facilities) / baseline_seconds

    rows, seconds = first["facility"]
    rate = rows / seconds
    print(f"row-by-row ORM baseline: {len(parsed.facilities)} rows in {baseline_seconds:.1f} s = "
          f"{baseline_rate:.0f} rows/s (parsing excluded)")
    print(f"bulk import of facility files: {rate:.0f} rows/s (parsing included) = {rate / baseline_rate:.1f}x "
          f"the baseline")
    if again:
        print(f"re-import, all unchanged: {again['facility'][0] / again['facility'][1]:.0f} facility rows/s, "
              f"{again['hours'][0] / again['hours'][1]:.0f} hours rows/s")
    print(f"peak memory (max RSS): {rss_after_import:.0f} MB after the first import, {peak_rss_mb():.0f} MB at the end")
    if args.scale < 1:
        print("national size: python benchmarks/directory_import.py --scale 1")


if __name__ == "__main__":
    main()
