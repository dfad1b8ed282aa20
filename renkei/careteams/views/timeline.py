"""timeline screens."""

urlpatterns: list = []
