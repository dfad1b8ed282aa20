"""The link walk: every page a role reaches shows only links that role may follow.

From the pages each role can reach (as the tests' world and the demo create the roles: system
administrator, prefecture staff, municipal staff, coordinator, professional, and an anonymous
resident), follow every same-origin link on the page, breadth first, and assert none answers 403
(a dead end the page should not have offered) or 500.
"""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from django.test import Client

from renkei.core import policy

from ..conftest import client_for
from .test_policy import world  # noqa: F401  (the fixture: places, organizations, one membership per role)

# Links that do something else than show a page, or leave the site's pages for files and feeds.
SKIPPED_PREFIXES = ("/static/", "/media/", "/logout/", "/api/")
MAX_PAGES_PER_ROLE = 400
# Pages of one screen followed per role (three facility pages, not four hundred): the walk covers screens.
PAGES_PER_SCREEN = 3


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def internal_links(html: str) -> list[str]:
    """The same-origin hrefs of a page (paths with their query), without fragments."""
    parser = _LinkParser()
    parser.feed(html)
    links = []
    for href in parser.hrefs:
        href = urldefrag(href)[0]
        parts = urlsplit(href)
        if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != "testserver"):
            continue
        if not parts.path.startswith("/") or parts.path.startswith(SKIPPED_PREFIXES):
            continue
        links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def _screen(url: str) -> str:
    """The screen a URL shows: ids and query values left out (/directory/facilities/N/?kind=)."""
    parts = urlsplit(url)
    keys = sorted({key for key, _value in parse_qsl(parts.query, keep_blank_values=True)} - {"page", "sort", "order"})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def walk(client: Client, start: list[str]) -> tuple[dict[str, int], list[str]]:
    """Follow every internal link reachable from `start`; return {url: status} and the failures found."""
    seen: dict[str, int] = {}
    failures = []
    queue = deque((url, "(start)") for url in start)
    screens: dict[str, int] = {}
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        url, found_on = queue.popleft()
        if url in seen:
            continue
        screen = _screen(url)
        if screens.get(screen, 0) >= PAGES_PER_SCREEN:
            continue
        screens[screen] = screens.get(screen, 0) + 1
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code in (403, 500):
            failures.append(f"{url} answers {response.status_code} (linked from {found_on})")
            continue
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html"):
            for link in internal_links(response.content.decode()):
                if link not in seen:
                    queue.append((link, url))
    return seen, failures


# The roles as the demo creates them, plus staff of another municipality and prefecture looking at ours.
ROLES = ["admin", "prefecture", "city", "coordinator", "doctor", "other_city", "other_prefecture", None]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_no_page_links_to_a_page_the_role_is_refused(world, role):  # noqa: F811
    facility = world.directory.facility
    facility.organization = world.organization  # the professional's own clinic: they may propose corrections
    facility.save()
    client = client_for(world.members[role]) if role else Client()
    start = ["/", "/resources/"] + ([f"/directory/facilities/{world.directory.facility.pk}/",
                                     "/indicators/definitions/"] if role else [])
    seen, failures = walk(client, start)
    assert not failures, f"{role or 'anonymous'} meets dead ends:\n" + "\n".join(failures)
    assert len(seen) >= (10 if role else 3), f"the walk reached too few pages: {sorted(seen)}"
    # The walk reaches the screens of a proposed correction from links, for those who use them.
    if role == "doctor":
        assert seen.get(f"/directory/facilities/{facility.pk}/propose/") == 200
    if role == "city":
        assert seen.get(f"/directory/corrections/{world.directory.proposal.pk}/") == 200
        # The indicator screens: the library links the definition, its value entry, target and sharing screens.
        definition = world.indicators.definition.pk
        assert seen.get(f"/indicators/definitions/{definition}/") == 200
        assert seen.get(f"/indicators/definitions/{definition}/edit/") == 200
        assert any(url.startswith(f"/indicators/definitions/{definition}/values/new/") for url in seen)
        assert any(url.startswith(f"/indicators/definitions/{definition}/targets/262013/") for url in seen)
        assert seen.get("/indicators/definitions/import/") == 200


@pytest.mark.django_db
def test_the_may_tag_answers_what_the_policy_answers(world, rf):  # noqa: F811
    from django.template import Context, Template

    template = Template('{% load renkei %}{% may "directory.manage_surveys" facility as ok %}{{ ok }}')
    facility = world.directory.facility
    for role, membership in world.members.items():
        request = rf.get("/")
        request.membership = membership
        expected = policy.check(membership, "directory.manage_surveys", facility)
        assert template.render(Context({"request": request, "facility": facility})) == str(expected), role
    anonymous = rf.get("/")
    assert template.render(Context({"request": anonymous, "facility": facility})) == "False"


DEMO_HANDLES = ["admin", "prefecture", "healthcenter", "city", "coordinator", "doctor", "caremanager", "nurse",
                "discharge"]


@pytest.mark.django_db
def test_no_demo_page_links_to_a_page_the_role_is_refused():
    """The same walk over the demo (福知山市 with its directory and a survey round), for every demo login."""
    from renkei.core.models import Membership
    from renkei.core.services.demo import build_demo
    from renkei.directory.models import Facility
    from renkei.directory.services.demo import build_directory_demo

    build_demo()
    build_directory_demo()
    clinic = Facility.objects.filter(municipality__code="262013", kind="clinic").order_by("pk").first()
    failures = []
    for handle in DEMO_HANDLES:
        membership = Membership.objects.filter(user__email=f"{handle}@demo.renkei.example").order_by("pk").first()
        _seen, found = walk(client_for(membership), ["/", f"/directory/facilities/{clinic.pk}/"])
        failures += [f"{handle}: {failure}" for failure in found]
    _seen, found = walk(Client(), ["/", "/resources/", f"/resources/262013/{clinic.pk}/"])
    failures += [f"anonymous: {failure}" for failure in found]
    assert not failures, "dead ends in the demo:\n" + "\n".join(failures)
