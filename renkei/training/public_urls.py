"""Pages for people without an account (/events/): survey answers by link and the residents' calendar."""

from .views import public_calendar, public_surveys

urlpatterns: list = [*public_surveys.urlpatterns, *public_calendar.urlpatterns]
