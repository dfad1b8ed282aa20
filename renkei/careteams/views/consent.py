"""consent screens."""

urlpatterns: list = []
