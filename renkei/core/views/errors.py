"""Error pages in the site's language, never a bare 500 or stack trace."""

from django.shortcuts import render


def permission_denied(request, exception=None):
    return render(request, "403.html", {"has_membership": getattr(request, "membership", None) is not None},
                  status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
