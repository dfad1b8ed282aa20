"""emergency screens."""

urlpatterns: list = []
