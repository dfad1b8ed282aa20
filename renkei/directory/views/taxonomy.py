"""Directory screens (taxonomy)."""

urlpatterns: list = []
