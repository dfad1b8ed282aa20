"""Screens of the region's survey part: this module lists its own routes."""

urlpatterns: list = []
