"""Directory screens (imports)."""

urlpatterns: list = []
