"""conferences screens."""

urlpatterns: list = []
