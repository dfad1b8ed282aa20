"""Indicator URLs: each view module lists its own routes (see directory/urls.py)."""

app_name = "indicators"

urlpatterns: list = []
