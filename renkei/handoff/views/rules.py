"""rules screens."""

urlpatterns: list = []
