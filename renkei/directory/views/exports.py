"""Directory screens (exports)."""

urlpatterns: list = []
