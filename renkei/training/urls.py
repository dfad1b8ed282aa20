"""Training and awareness URLs (/training/): each view module lists its own routes."""

from .views import awareness, reports, series, surveys

app_name = "training"

urlpatterns: list = [*series.urlpatterns, *surveys.urlpatterns, *awareness.urlpatterns, *reports.urlpatterns]
