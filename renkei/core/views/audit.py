"""The audit log search screen and the chain check."""

from django.core.paginator import Paginator
from django.shortcuts import render

from .. import audit, policy, selectors
from ..forms import AuditFilterForm


@policy.requires("core.view_audit")
def audit_list_view(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entries(request.membership, **{k: v for k, v in filters.items() if v})
    template = "core/_audit_rows.html" if request.htmx else "core/audit_list.html"
    return render(request, template, {
        "form": form, "page": Paginator(entries, 50).get_page(request.GET.get("page")),
        "can_verify": policy.check(request.membership, "core.verify_audit"),
    })


@policy.requires("core.verify_audit")
def audit_verify_view(request):
    """System administrators check the whole chain on demand (also `renkei audit verify`)."""
    return render(request, "core/_audit_verify.html", {"result": audit.verify()})
