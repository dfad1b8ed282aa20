"""Screens of the region's status part: this module lists its own routes."""

urlpatterns: list = []
