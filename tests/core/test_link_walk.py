"""The link walk: every page a role reaches shows only links that role may follow.

From the pages each role can reach (as the tests' world and the demo create the roles: system
administrator, prefecture staff, municipal staff, coordinator, professional, and an anonymous
resident), follow every same-origin link on the page, breadth first, and assert none answers 403
(a dead end the page should not have offered) or 500.
"""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client

from renkei.core import policy

from ..conftest import client_for
from .test_policy import world  # noqa: F401  (the fixture: places, organizations, one membership per role)

# Links that do something else than show a page, or leave the site's pages for files and feeds.
SKIPPED_PREFIXES = ("/static/", "/media/", "/logout/", "/api/")
MAX_PAGES_PER_ROLE = 400


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


def _normalised(url: str) -> str:
    """Pages that differ only by the page number or a sort order are the same screen for this walk."""
    return re.sub(r"([?&])(page|sort|order)=[^&]*", r"\1", url)


def walk(client: Client, start: list[str]) -> tuple[dict[str, int], list[str]]:
    """Follow every internal link reachable from `start`; return {url: status} and the failures found."""
    seen: dict[str, int] = {}
    failures = []
    queue = deque((url, "(start)") for url in start)
    screens = set()
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        url, found_on = queue.popleft()
        if url in seen:
            continue
        screen = _normalised(url)
        if screen in screens:
            continue
        screens.add(screen)
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
    start = ["/", "/resources/"] + ([f"/directory/facilities/{world.directory.facility.pk}/"] if role else [])
    seen, failures = walk(client, start)
    assert not failures, f"{role or 'anonymous'} meets dead ends:\n" + "\n".join(failures)
    assert len(seen) >= (10 if role else 3), f"the walk reached too few pages: {sorted(seen)}"
    # The walk reaches the screens of a proposed correction from links, for those who use them.
    if role == "doctor":
        assert seen.get(f"/directory/facilities/{facility.pk}/propose/") == 200
    if role == "city":
        assert seen.get(f"/directory/corrections/{world.directory.proposal.pk}/") == 200


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
