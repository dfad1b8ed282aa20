"""Directory screens (facilities)."""

urlpatterns: list = []
