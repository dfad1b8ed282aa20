"""The JSON API root: /api/v1/, OpenAPI at /api/v1/openapi.json. Each app adds its router."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth

from renkei.core import audit
from renkei.core.middleware import TwoFactorMiddleware
from renkei.core.models import APIToken
from renkei.core.services import accounts

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerToken(HttpBearer):
    """`Authorization: Bearer rk_…`: the token's membership acts, under the same policy as the web."""

    def authenticate(self, request, token):
        membership = accounts.membership_for_api_token(token)
        if membership is None or not membership.is_active or not membership.user.is_active:
            return None
        if membership.api_scope == APIToken.Scope.READ_ONLY and request.method not in SAFE_METHODS:
            raise PermissionDenied("read-only token")
        request.membership = membership
        request.user = membership.user
        audit._context.set(audit.AuditContext(
            user_id=membership.user_id, user_label=membership.user.email, membership_id=membership.pk,
            organization_id=membership.organization_id, ip_address=audit.current_context().ip_address,
            user_agent=audit.current_context().user_agent))
        return membership


class SessionWithTwoFactor(SessionAuth):
    """The browser session (CSRF-checked), refused until the second factor was passed where required."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user and accounts.requires_two_factor(user) and not request.session.get(TwoFactorMiddleware.SESSION_KEY):
            return None
        return user


class UTF8JSONRenderer(JSONRenderer):
    """JSON with Japanese as UTF-8: 3 bytes a character instead of the 6 of a \\uXXXX escape."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Renkei API",
    version="1",
    description=_("Renkei: 在宅医療・介護連携推進事業 platform"),
    urls_namespace="api",
    # Bearer first: the session auth checks CSRF on a POST and answers 403 before a token is even looked at.
    auth=[BearerToken(), SessionWithTwoFactor()],
    renderer=UTF8JSONRenderer(),
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": _("You do not have permission to do this.")}, status=403)


@api.exception_handler(AuthenticationError)
def not_authenticated(request, exc):
    return api.create_response(
        request, {"detail": _("Log in, or send an API token as “Authorization: Bearer …”.")}, status=401)


@api.exception_handler(ValidationError)
def invalid_input(request, exc):
    # Keep pydantic's field-by-field errors for programs, with a sentence in the user's language on top.
    return api.create_response(
        request, {"detail": _("Some parameters are not valid. See “errors” for each one."), "errors": exc.errors},
        status=422)


from renkei.core.api import router as core_router  # noqa: E402

api.add_router("/", core_router)

from renkei.directory.api import router as directory_router  # noqa: E402

api.add_router("/", directory_router)

from renkei.indicators.api import router as indicators_router  # noqa: E402

api.add_router("/", indicators_router)
from renkei.pdca.api import router as pdca_router  # noqa: E402

api.add_router("/", pdca_router)
from renkei.careteams.api import router as careteams_router  # noqa: E402

api.add_router("/", careteams_router)
from renkei.provision.api import router as provision_router  # noqa: E402

api.add_router("/", provision_router)
from renkei.handoff.api import router as handoff_router  # noqa: E402

api.add_router("/", handoff_router)
from renkei.consult.api import router as consult_router  # noqa: E402

api.add_router("/", consult_router)
from renkei.training.api import router as training_router  # noqa: E402

api.add_router("/", training_router)
from renkei.region.api import router as region_router  # noqa: E402

api.add_router("/", region_router)
