"""documents screens."""

urlpatterns: list = []
