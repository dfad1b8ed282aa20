"""cases screens (filled by its part)."""

urlpatterns: list = []
