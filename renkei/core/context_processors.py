"""What every page's shell needs: the active membership, the navigation, the site name."""

from django.conf import settings

from .navigation import navigation_for


def shell(request):
    membership = getattr(request, "membership", None)
    if getattr(request, "two_factor_pending", False):
        membership = None  # nothing to navigate to until the second factor is set up
    return {
        "site_name": settings.RENKEI_SITE_NAME,
        "membership": membership,
        "navigation": navigation_for(membership),
    }
