"""The program's shared vocabulary: the scenes and the program items (choices only, no tables).

Every capability tags its work with these, so the PDCA engine can gather it per scene and per item.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scene(models.TextChoices):
    """The four scenes of the 手引き, plus the areas municipalities add to their plans."""

    DAILY_CARE = "daily_care", _("daily care")
    ADMISSION_DISCHARGE = "admission_discharge", _("admission and discharge")
    EMERGENCY = "emergency", _("emergencies")
    END_OF_LIFE = "end_of_life", _("end of life")
    DEMENTIA = "dementia", _("dementia")
    INFECTION_DISASTER = "infection_disaster", _("infection and disaster")
    # 福知山市's plan has a block for the collaboration system itself (多職種連携の体制).
    COLLABORATION_SYSTEM = "collaboration_system", _("collaboration system")


FOUR_SCENES = (Scene.DAILY_CARE, Scene.ADMISSION_DISCHARGE, Scene.EMERGENCY, Scene.END_OF_LIFE)


class ProgramItem(models.TextChoices):
    """事業項目（ア）〜（ク）."""

    A = "a", _("(a) Resource directory and map")
    B = "b", _("(b) Issues and measures (PDCA)")
    C = "c", _("(c) Seamless provision")
    D = "d", _("(d) Information sharing")
    E = "e", _("(e) Consultation desk")
    F = "f", _("(f) Training")
    G = "g", _("(g) Public awareness")
    H = "h", _("(h) Cross-municipal cooperation")
