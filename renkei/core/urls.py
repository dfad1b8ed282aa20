from django.urls import path

from .views import audit, auth, home, jobs, organizations, places

app_name = "core"

urlpatterns = [
    path("", home.home_view, name="home"),
    path("health/", home.health_view, name="health"),
    path("login/", auth.login_view, name="login"),
    path("login/verify/", auth.login_verify_view, name="login_verify"),
    path("logout/", auth.logout_view, name="logout"),
    path("account/", auth.account_view, name="account"),
    path("account/two-factor/", auth.two_factor_setup_view, name="two_factor_setup"),
    path("account/switch/", auth.membership_switch_view, name="membership_switch"),
    path("invitation/<str:token>/", auth.invitation_accept_view, name="invitation_accept"),
    path("places/", places.place_list_view, name="place_list"),
    path("places/p/<str:code>/", places.prefecture_detail_view, name="prefecture_detail"),
    path("places/p/<str:code>/groups/new/", places.area_group_edit_view, name="area_group_create"),
    path("places/p/<str:code>/groups/<int:group_id>/", places.area_group_edit_view, name="area_group_edit"),
    path("places/m/<str:code>/", places.municipality_detail_view, name="municipality_detail"),
    path("places/m/<str:code>/areas/new/", places.daily_living_area_edit_view, name="daily_living_area_create"),
    path("places/m/<str:code>/areas/<int:area_id>/", places.daily_living_area_edit_view,
         name="daily_living_area_edit"),
    path("places/m/<str:code>/areas/<int:area_id>/delete/", places.daily_living_area_delete_view,
         name="daily_living_area_delete"),
    path("organizations/", organizations.organization_list_view, name="organization_list"),
    path("organizations/new/", organizations.organization_create_view, name="organization_create"),
    path("organizations/<int:pk>/", organizations.organization_detail_view, name="organization_detail"),
    path("organizations/<int:pk>/edit/", organizations.organization_edit_view, name="organization_edit"),
    path("organizations/<int:pk>/active/", organizations.organization_toggle_active_view,
         name="organization_toggle_active"),
    path("organizations/<int:pk>/invite/", organizations.invitation_create_view, name="invitation_create"),
    path("invitations/<int:pk>/revoke/", organizations.invitation_revoke_view, name="invitation_revoke"),
    path("memberships/<int:pk>/deactivate/", organizations.membership_deactivate_view,
         name="membership_deactivate"),
    path("users/<int:pk>/deactivate/", organizations.user_deactivate_view, name="user_deactivate"),
    path("users/<int:pk>/two-factor/reset/", organizations.two_factor_reset_view, name="two_factor_reset"),
    path("audit/", audit.audit_list_view, name="audit_list"),
    path("audit/verify/", audit.audit_verify_view, name="audit_verify"),
    path("jobs/", jobs.job_list_view, name="job_list"),
    path("jobs/<int:pk>/retry/", jobs.job_retry_view, name="job_retry"),
]
