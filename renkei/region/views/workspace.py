"""Screens of the region's workspace part: this module lists its own routes."""

urlpatterns: list = []
