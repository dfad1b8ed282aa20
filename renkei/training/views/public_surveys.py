"""Public pages without login (filled by their parts): survey answers by link, the residents calendar."""

urlpatterns: list = []
