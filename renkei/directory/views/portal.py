"""Directory screens (portal)."""

urlpatterns: list = []
