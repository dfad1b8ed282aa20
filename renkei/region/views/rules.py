"""Screens of the region's rules part: this module lists its own routes."""

urlpatterns: list = []
