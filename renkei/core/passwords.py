"""Password rules beyond Django's: mixed character classes (医療情報安全管理ガイドライン)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least three of: lower case, upper case, digits, symbols."""

    CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")

    def validate(self, password: str, user=None) -> None:
        if sum(bool(re.search(c, password)) for c in self.CLASSES) < 3:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("Your password must mix at least three of: lower-case letters, upper-case letters, "
                 "digits and symbols.")
