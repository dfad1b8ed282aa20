"""The practices part of the region demo: three practices, 綾部市's copy of 福知山市's logic model, two 中丹
meetings; a second build writes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from renkei.core.models import Municipality
from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE, build_demo
from renkei.pdca.services.demo import build_pdca_demo
from renkei.region.demo import practices as demo
from renkei.region.models import Practice, PracticeCopy, SharingMeeting, SourceKind

pytestmark = pytest.mark.django_db


def test_the_demo_builds_practices_a_copy_and_two_meetings_once():
    build_demo()
    build_pdca_demo()
    city = Municipality.objects.select_related("prefecture").get(code=DEMO_MUNICIPALITY_CODE)
    assert demo.build(city)
    practices = Practice.objects.filter(prefecture=city.prefecture)
    assert practices.count() == 3 and all(p.status == Practice.Status.PUBLISHED for p in practices)
    offered = practices.get(title=demo.CITY_TITLE)
    assert offered.offer_kind == SourceKind.LOGIC_MODEL
    copy = PracticeCopy.objects.get()
    assert copy.practice == offered and copy.municipality.name == "綾部市"
    held, planned = SharingMeeting.objects.order_by("held_at")
    assert held.held_at < timezone.now() < planned.held_at
    assert held.minutes and held.attended.count() == 3
    assert demo.build(city) == []
    assert Practice.objects.count() == 3 and SharingMeeting.objects.count() == 2
