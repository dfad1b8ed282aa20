"""What every page's shell needs: the active membership, the navigation, the site name."""

from django.conf import settings

from .navigation import navigation_for


def shell(request):
    membership = getattr(request, "membership", None)
    return {
        "site_name": settings.RENKEI_SITE_NAME,
        "membership": membership,
        "navigation": navigation_for(membership),
    }
