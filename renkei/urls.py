from django.urls import include, path
from django.views.i18n import set_language

from renkei.api import api
from renkei.core import policy
from renkei.directory.urls import portal_urlpatterns

urlpatterns = [
    path("i18n/setlang/", policy.public(set_language), name="set_language"),
    path("api/v1/", api.urls),
    path("directory/", include("renkei.directory.urls")),
    path("indicators/", include("renkei.indicators.urls")),
    path("pdca/", include("renkei.pdca.urls")),
    path("patients/", include("renkei.careteams.urls")),
    path("provision/", include("renkei.provision.urls")),
    path("handoffs/", include("renkei.handoff.urls")),
    path("desk/", include("renkei.consult.urls")),
    path("training/", include("renkei.training.urls")),
    path("region/", include("renkei.region.urls")),
    path("events/", include(("renkei.training.public_urls", "events"))),
    path("resources/", include((portal_urlpatterns, "portal"))),
    path("", include("renkei.core.urls")),
]

handler403 = "renkei.core.views.errors.permission_denied"
handler404 = "renkei.core.views.errors.not_found"
handler500 = "renkei.core.views.errors.server_error"
