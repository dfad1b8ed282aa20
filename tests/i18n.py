"""Messages as the screens show them: in the installation's language (Japanese), whatever the test's own."""

from django.utils import translation
from django.utils.translation import gettext, ngettext


def ja(text: str, **values) -> str:
    with translation.override("ja"):
        return gettext(text) % values if values else gettext(text)


def ja_plural(singular: str, plural: str, count: int, **values) -> str:
    with translation.override("ja"):
        return ngettext(singular, plural, count) % values
