"""API operations of the region's practices part (mounted under /api/v1/): the published practices the caller may
read, filtered like the library's screen."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from renkei.core.policy import api_requires

from ..selectors.practices import practice_list

router = Router(tags=["region"])


class PracticeOut(Schema):
    id: int
    title: str
    summary: str
    program_items: list[str]
    scenes: list[str]
    author_code: str
    author_name: str
    reach: str
    offers: str
    published_at: datetime | None


@router.get("/region/practices", response=list[PracticeOut])
@api_requires("region.view_practices")
def practices(request, item: str = "", scene: str = "", q: str = ""):
    """Published practices shared with the caller (their prefecture's, and national ones)."""
    rows = practice_list(request.membership, item=item, scene=scene, q=q[:100], published_only=True)
    return [_row(p) for p in rows]


def _row(p) -> PracticeOut:
    author = p.municipality if p.municipality_id else p.prefecture
    return PracticeOut(id=p.pk, title=p.title, summary=p.summary, program_items=list(p.program_items),
                       scenes=list(p.scenes), author_code=author.code, author_name=author.name, reach=p.reach,
                       offers=p.offer_kind, published_at=p.published_at)
