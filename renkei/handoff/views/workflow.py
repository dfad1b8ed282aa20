"""workflow screens."""

urlpatterns: list = []
