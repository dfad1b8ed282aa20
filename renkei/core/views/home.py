from django.shortcuts import render

from .. import dashboard, policy, selectors


@policy.requires("core.use_app")
def home_view(request):
    """The dashboard of the active membership's role: what needs their attention first, then the panels."""
    attention = dashboard.attention_for(request.membership)
    return render(request, "core/home.html", {"attention": attention,
                                              "has_todo": any(item.is_todo for item in attention),
                                              "summary": selectors.home_summary(request.membership),
                                              "panels": dashboard.panels_for(request.membership)})


@policy.public
def health_view(request):
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("select 1")
    return JsonResponse({"status": "ok"})
