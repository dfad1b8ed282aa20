"""Screens of the region's practices part: this module lists its own routes."""

urlpatterns: list = []
