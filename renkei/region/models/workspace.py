"""§3: the prefecture's and 保健所's workspace: which municipalities a 保健所 looks after."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.models import Municipality, Organization


class HealthCenterArea(models.Model):
    """A 保健所's jurisdiction (管轄区域): its home page starts with these municipalities."""

    health_center = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="health_center_area",
                                         verbose_name=_("public health center"))
    municipalities = models.ManyToManyField(Municipality, related_name="health_center_areas", blank=True,
                                            verbose_name=_("municipalities"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("health center jurisdiction")
        verbose_name_plural = _("health center jurisdictions")

    def __str__(self) -> str:
        return str(self.health_center)

    def audit_owner(self):
        return self.health_center
