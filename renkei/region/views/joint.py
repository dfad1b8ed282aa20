"""Screens of the region's joint part: this module lists its own routes."""

urlpatterns: list = []
