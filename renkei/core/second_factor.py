"""Asking for the second factor again before sensitive actions (memberships and roles, exports).

`@recent_second_factor` goes under `@policy.requires(...)`: the policy decides *whether* the person may
act, this decides whether they proved themselves recently enough (RENKEI_SECOND_FACTOR_FRESH_SECONDS,
15 minutes). People with an authenticator type a code; people without one (roles that do not need it)
type their password. A GET is sent to the re-verify screen and comes back to the same address; a POST
gets the screen in its place, carrying the submitted fields, so confirming performs the action.
"""

from __future__ import annotations

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .forms import ReverifyForm
from .services import accounts

SESSION_KEY = "renkei_second_factor_at"
ANSWER_FIELDS = frozenset({"reverify_code", "reverify_password"})


def mark_recent(request) -> None:
    """The person just proved themselves (login, set-up, re-verification)."""
    request.session[SESSION_KEY] = int(time.time())


def is_recent(request) -> bool:
    proved_at = request.session.get(SESSION_KEY)
    return proved_at is not None and time.time() - proved_at <= settings.RENKEI_SECOND_FACTOR_FRESH_SECONDS


def reverify_url(next_url: str) -> str:
    return reverse("core:reverify") + "?" + urlencode({"next": next_url})


def check_answer(request, form: ReverifyForm) -> bool:
    """Verify a submitted ReverifyForm; on success the session counts as recent. Adds the error otherwise."""
    if not form.is_valid():
        return False
    try:
        ok = accounts.second_factor_reverify(user=request.user, code=form.cleaned_data.get("reverify_code", ""),
                                             password=form.cleaned_data.get("reverify_password", ""))
    except accounts.LoginThrottled:
        form.add_error(None, _("Too many failed attempts. Wait a while before trying again."))
        return False
    if not ok:
        field = "reverify_code" if "reverify_code" in form.fields else "reverify_password"
        form.add_error(field, _("That code is not correct or has already been used.") if field == "reverify_code"
                       else _("The password is not correct."))
        return False
    mark_recent(request)
    return True


def recent_second_factor(view):
    """View decorator: the second factor (or password) again when the last proof is older than 15 minutes."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated or is_recent(request):
            return view(request, *args, **kwargs)
        if request.method != "POST":
            return redirect(reverify_url(request.get_full_path()))
        if getattr(request, "htmx", False):
            # A fragment cannot hold the screen: send the page the request came from through it.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverify_url(request.headers.get("HX-Current-URL") or reverse("core:home"))
            return response
        uses_code = accounts.has_two_factor(request.user) or accounts.requires_two_factor(request.user)
        answering = ANSWER_FIELDS & set(request.POST)
        form = ReverifyForm(request.POST if answering else None, uses_code=uses_code)
        if answering and check_answer(request, form):
            return view(request, *args, **kwargs)
        carried = [(name, value) for name, values in request.POST.lists() for value in values
                   if name not in ANSWER_FIELDS and name != "csrfmiddlewaretoken"]
        return render(request, "core/reverify.html", {
            "form": form, "action": request.get_full_path(), "carried": carried, "uses_code": uses_code,
        }, status=400 if form.errors else 200)

    wrapper.needs_recent_second_factor = True
    return wrapper
