"""Directory screens (surveys)."""

urlpatterns: list = []
