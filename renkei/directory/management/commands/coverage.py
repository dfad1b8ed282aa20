"""renkei coverage: compute coverage gaps and print the uncovered mesh cells.

    renkei coverage 262013 [--mesh 1km|500m] [--radius-km 16] [--area 中部圏域]
    renkei coverage 26 --prefecture          (a prefecture code, or any municipality code of it)
    renkei coverage --pending                (compute now the waiting runs no background job is queued for)

Exit codes: 0 done, 1 the computation failed, 2 unknown municipality, prefecture or area.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from renkei.core.models import Municipality, Prefecture
from renkei.directory import jobs
from renkei.directory.models import CoverageRun
from renkei.directory.selectors.coverage import uncovered_cells
from renkei.directory.services.coverage import DEFAULT_RADIUS_KM, coverage_compute


def _km(value, beyond: float) -> str:
    # None: no provider within the search window (twice the radius) at all.
    return f">{beyond:g}" if value is None else f"{value:.1f}"


class Command(BaseCommand):
    help = "Compute coverage gaps (home visits, 24-hour nursing) on the JIS mesh and print uncovered cells."

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", help="municipality code (6 or 5 digits); with --prefecture also "
                                                     "a 2-digit prefecture code")
        parser.add_argument("--mesh", choices=["1km", "500m"], default="1km")
        parser.add_argument("--radius-km", type=float, default=DEFAULT_RADIUS_KM)
        parser.add_argument("--area", default="", help="name of one daily living area")
        parser.add_argument("--prefecture", action="store_true", help="the whole prefecture")
        parser.add_argument("--pending", action="store_true",
                            help="compute now the waiting runs that no background job is queued for")
        parser.add_argument("--limit", type=int, default=0, help="print at most this many cells (0: all)")

    def handle(self, *args, code=None, mesh="1km", radius_km=DEFAULT_RADIUS_KM, area="", prefecture=False,
               pending=False, limit=0, **options):
        if pending:
            reset = jobs.reset_stale_runs()
            runs = jobs.run_pending_coverage()
            failed = [r for r in runs if r.status == CoverageRun.Status.FAILED]
            self.stdout.write(f"reset {reset} stale, computed {len(runs)} pending run(s), {len(failed)} failed")
            for run in failed:
                self.stderr.write(f"run {run.pk}: {run.error}")
            if failed:
                raise CommandError("some coverage runs failed", returncode=1)
            return
        if not code:
            raise CommandError("give a municipality code (or --pending)", returncode=2)
        if radius_km <= 0:
            raise CommandError("--radius-km must be positive", returncode=2)
        scope = self._scope(code.strip(), prefecture, area)
        run = coverage_compute(mesh=mesh, radius_km=radius_km, **scope)
        if run.status == CoverageRun.Status.FAILED:
            raise CommandError(f"coverage computation failed: {run.error}", returncode=1)
        self._print(run, limit)

    def _scope(self, code: str, prefecture: bool, area_name: str) -> dict:
        if prefecture:
            found = Prefecture.objects.filter(code=code).first() if len(code) == 2 else None
            if found is None:
                municipality = self._municipality(code)
                found = municipality.prefecture
            return {"prefecture": found}
        municipality = self._municipality(code)
        if area_name:
            area = municipality.daily_living_areas.filter(name=area_name.strip()).first()
            if area is None:
                names = "、".join(municipality.daily_living_areas.values_list("name", flat=True)) or "—"
                raise CommandError(f"{municipality.name} に日常生活圏域「{area_name}」はありません"
                                   f"（{names}） / no daily living area “{area_name}” in {municipality.name}",
                                   returncode=2)
            return {"daily_living_area": area}
        return {"municipality": municipality}

    def _municipality(self, code: str) -> Municipality:
        field = "code" if len(code) == 6 else "jis_code"
        municipality = (Municipality.objects.select_related("prefecture").filter(**{field: code}).first()
                        if code.isdigit() and len(code) in (5, 6) else None)
        if municipality is None:
            raise CommandError(f"市区町村コード {code} は見つかりません / unknown municipality code {code} "
                               "(6-digit 全国地方公共団体コード or 5-digit JIS code; load places first: "
                               "renkei places load)", returncode=2)
        return municipality

    def _print(self, run: CoverageRun, limit: int) -> None:
        s = run.summary
        scope = run.daily_living_area or run.municipality or run.prefecture
        out = self.stdout
        out.write(f"coverage of {scope} — mesh {run.mesh}, radius {run.radius_km:g} km, area from {s['method']}")
        out.write(f"providers: {s['providers_home_visit']} doing home visits, {s['providers_nursing_24h']} "
                  "24-hour visiting nursing within reach")
        cells = uncovered_cells(run)
        if limit:
            cells = cells[:limit]
        out.write("mesh_code\tarea\tpopulation\thome_visit_km\tnursing_24h_km\tgap")
        for cell in cells:
            gap = ("home_visit+nursing_24h" if cell.is_home_visit_gap and cell.is_nursing_24h_gap
                   else "home_visit" if cell.is_home_visit_gap else "nursing_24h")
            area = cell.daily_living_area.name if cell.daily_living_area else "-"
            population = "-" if cell.population is None else str(cell.population)
            out.write(f"{cell.mesh_code}\t{area}\t{population}\t{_km(cell.home_visit_km, 2 * run.radius_km)}\t"
                      f"{_km(cell.nursing_24h_km, 2 * run.radius_km)}\t{gap}")
        out.write(f"cells: {s['cells']}, uncovered for home visits: {s['uncovered_home_visit']}, "
                  f"uncovered for 24-hour nursing: {s['uncovered_nursing_24h']}")
        if s.get("has_population"):
            out.write(f"population: {s['population']}, uncovered for home visits: "
                      f"{s['population_uncovered_home_visit']}, uncovered for 24-hour nursing: "
                      f"{s['population_uncovered_nursing_24h']}")
        else:
            out.write("population: not imported (import e-Stat mesh statistics to weight by population)")
