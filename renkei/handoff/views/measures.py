"""measures screens."""

urlpatterns: list = []
