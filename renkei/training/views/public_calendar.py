"""Public pages without login (filled by their parts): the residents calendar and its feeds."""

urlpatterns: list = []
