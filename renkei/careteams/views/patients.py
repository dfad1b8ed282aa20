"""patients screens."""

urlpatterns: list = []
