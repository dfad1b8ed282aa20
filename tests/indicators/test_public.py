"""The residents' page: published indicators only, small counts suppressed; marking indicators public."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from renkei.core.models import AuditEntry, Role
from renkei.indicators import suppression
from renkei.indicators.models import IndicatorPublication, IndicatorValue
from renkei.indicators.services.publication import publication_set

from ..conftest import client_for
from .dashboard_data import definition, other_prefecture_municipality, publish, staff_of, value


@pytest.fixture
def published(municipality):
    """A published count (with small years), a published rate (one with a small numerator), an unpublished one."""
    deaths = definition(code="HOME_DEATHS", name_ja="在宅死亡数")
    value(deaths, municipality=municipality, start=2023, value=7)
    value(deaths, municipality=municipality, start=2024, value=42)
    rate = definition(code="HOME_RATE", name_ja="在宅死の割合", rate=True)
    value(rate, municipality=municipality, start=2023, value=0.8, numerator=3, denominator=375)
    value(rate, municipality=municipality, start=2024, value=12.3, numerator=46, denominator=374)
    hidden = definition(code="HIDDEN", name_ja="非公開の指標")
    value(hidden, municipality=municipality, start=2024, value=5)
    publish(rate, municipality, order=2)
    publish(deaths, municipality, order=1)
    return deaths, rate, hidden


def _chart(html: str, n: int) -> dict:
    return json.loads(html.split(f'<script id="chart-data-{n}" type="application/json">')[1].split("</script>")[0])


def test_residents_see_only_the_published_indicators_in_the_municipality_s_order(municipality, published):
    response = Client().get(f"/indicators/public/{municipality.code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index('data-indicator="HOME_DEATHS"') < html.index('data-indicator="HOME_RATE"')
    assert "HIDDEN" not in html and "非公開の指標" not in html


def test_a_small_count_is_shown_as_under_the_threshold_and_left_out_of_the_chart(municipality, published):
    html = Client().get(f"/indicators/public/{municipality.code}/").content.decode()
    assert "&lt;10" in html
    assert _chart(html, 0)["own"] == [None, 42.0]
    assert ">7.0<" not in html


def test_a_rate_whose_numerator_is_small_is_suppressed_too(municipality, published):
    html = Client().get(f"/indicators/public/{municipality.code}/").content.decode()
    assert _chart(html, 1)["own"] == [None, 12.3]
    assert "0.8" not in html


def test_the_residents_page_shows_no_rank(municipality, published):
    html = Client().get(f"/indicators/public/{municipality.code}/").content.decode()
    assert "data-rank" not in html


def test_staff_dashboards_show_the_small_counts(municipality, published):
    html = client_for(staff_of(municipality)).get("/indicators/scene/end_of_life/").content.decode()
    assert _chart(html, 1)["own"] == [7.0, 42.0]  # by code: HIDDEN, HOME_DEATHS, HOME_RATE


def test_a_municipality_without_publications_says_so(other_municipality):
    response = Client().get(f"/indicators/public/{other_municipality.code}/")
    assert response.status_code == 200 and "data-indicator" not in response.content.decode()


def test_an_unknown_municipality_is_not_found(db):
    assert Client().get("/indicators/public/999999/").status_code == 404


@pytest.mark.parametrize(("count", "hidden"), [(0, False), (1, True), (9, True), (10, False), (250, False)])
def test_counts_under_the_threshold_are_suppressed(municipality, count, hidden):
    d = definition(suppression_threshold=10)
    shown = suppression.shown(d, IndicatorValue(value=Decimal(count)), public=True)
    assert shown.is_suppressed is hidden
    assert (shown.text == "<10") is hidden and (shown.number is None) is hidden


def test_a_threshold_of_zero_never_suppresses(municipality):
    d = definition(suppression_threshold=0)
    assert not suppression.shown(d, IndicatorValue(value=Decimal(1)), public=True).is_suppressed


def test_a_rate_without_its_numerator_is_shown(municipality):
    d = definition(rate=True)
    assert suppression.shown(d, IndicatorValue(value=Decimal("0.5")), public=True).text == "0.5"


# --- marking public -----------------------------------------------------------------------------------------

def test_publishing_creates_one_audited_publication_and_again_changes_nothing(municipality):
    d = definition(code="PUB")
    staff = staff_of(municipality)
    publication = publication_set(membership=staff, municipality=municipality, definition=d, is_public=True)
    again = publication_set(membership=staff, municipality=municipality, definition=d, is_public=True)
    assert again.pk == publication.pk and publication.published_by == staff.user
    entries = AuditEntry.objects.filter(object_type__endswith="indicatorpublication")
    assert entries.count() == 1 and entries.get().user_id_value == staff.user_id


def test_unpublishing_removes_it_with_an_audit_entry(municipality):
    d = definition(code="PUB")
    staff = staff_of(municipality)
    publication_set(membership=staff, municipality=municipality, definition=d, is_public=True)
    publication_set(membership=staff, municipality=municipality, definition=d, is_public=False)
    assert not IndicatorPublication.objects.exists()
    assert AuditEntry.objects.filter(object_type__endswith="indicatorpublication").count() == 2


def test_another_municipality_s_staff_may_not_publish(municipality, other_municipality):
    d = definition(code="PUB")
    with pytest.raises(PermissionDenied):
        publication_set(membership=staff_of(other_municipality), municipality=municipality, definition=d,
                        is_public=True)


def test_prefecture_staff_may_not_publish_for_a_municipality(municipality):
    from .dashboard_data import prefecture_staff

    with pytest.raises(PermissionDenied):
        publication_set(membership=prefecture_staff(municipality.prefecture), municipality=municipality,
                        definition=definition(code="PUB"), is_public=True)


def test_a_definition_the_member_may_not_use_cannot_be_published(municipality):
    foreign = definition(code="FOREIGN", owner_municipality=other_prefecture_municipality())
    with pytest.raises(PermissionDenied):
        publication_set(membership=staff_of(municipality), municipality=municipality, definition=foreign,
                        is_public=True)


def test_the_publication_screen_switches_an_indicator(municipality):
    d = definition(code="PUB")
    client = client_for(staff_of(municipality))
    url = f"/indicators/publication/?municipality={municipality.code}"
    assert 'data-indicator="PUB" data-public="0"' in client.get(url).content.decode()
    response = client.post(url, {"definition": d.pk, "is_public": "1"})
    assert response.status_code == 302
    assert 'data-indicator="PUB" data-public="1"' in client.get(url).content.decode()
    assert IndicatorPublication.objects.filter(municipality=municipality, definition=d).exists()


def test_the_publication_screen_refuses_professionals(municipality, make_membership):
    client = client_for(make_membership(Role.PROFESSIONAL))
    assert client.get(f"/indicators/publication/?municipality={municipality.code}").status_code == 403


def test_the_portal_links_the_residents_indicators_only_where_some_are_published(municipality, other_municipality,
                                                                                  published):
    link = f'href="/indicators/public/{municipality.code}/"'
    assert link in Client().get(f"/resources/{municipality.code}/").content.decode()
    other = Client().get(f"/resources/{other_municipality.code}/").content.decode()
    assert "/indicators/public/" not in other
