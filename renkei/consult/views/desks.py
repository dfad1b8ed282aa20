"""desks screens (filled by its part)."""

urlpatterns: list = []
