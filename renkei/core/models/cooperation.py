"""Joint implementation (共同実施) and delegation: work several municipalities run together.

A desk, a training series or an awareness campaign may belong to a joint project. Access follows the
project's membership (its municipalities' staff, the contractor's coordinators), and each municipality's
indicators count its share. Core holds the project because several apps point at it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..concurrency import Versioned
from .organizations import Organization
from .places import Municipality, Prefecture


class JointProject(Versioned):
    name = models.CharField(_("name"), max_length=120)
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="joint_projects",
                                   verbose_name=_("prefecture"))
    # The municipality that keeps the records and answers for the project (幹事市町村).
    lead_municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="led_joint_projects",
                                          verbose_name=_("lead municipality"))
    municipalities = models.ManyToManyField(Municipality, related_name="joint_projects",
                                            verbose_name=_("municipalities"))
    # 委託先: a medical association or another body that runs the work for the municipalities.
    contractor = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="contracted_joint_projects", verbose_name=_("contractor"))
    program_items = models.JSONField(_("program items"), default=list, blank=True)  # ProgramItem values
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["prefecture", "name"]
        verbose_name = _("joint project")
        verbose_name_plural = _("joint projects")

    def __str__(self) -> str:
        return self.name

    def audit_owner(self):
        return self.lead_municipality
