"""Directory screens (coverage)."""

urlpatterns: list = []
