"""Joint projects (共同実施) and delegation (委託): create, edit and end a project of several municipalities.

The policy is asked on the project each write resolves to (an unsaved one for a new project: its lead and
prefecture). The project is an audited model (its saves log themselves); its municipalities are a
many-to-many set, so a change of the set writes its own audit entry (the codes added and removed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renkei.core import audit, policy
from renkei.core.concurrency import lock_checked
from renkei.core.models import JointProject, Municipality, Organization, ProgramItem

MANAGE = "region.manage_joint_projects"
FIELDS = ("name", "lead_municipality", "contractor", "program_items", "started_on", "ended_on", "note")


def _check(project: JointProject, municipalities: list[Municipality]) -> None:
    """The project's invariants, as field errors: its municipalities in its prefecture, at least two or a
    contractor, the lead one of them, the contractor an active organization of the prefecture."""
    errors: dict[str, str] = {}
    if not project.name.strip():
        errors["name"] = _("Enter the project's name.")
    if not municipalities:
        errors["municipalities"] = _("Choose the municipalities of the project.")
    elif any(m.prefecture_id != project.prefecture_id for m in municipalities):
        errors["municipalities"] = _("Choose municipalities of the project's prefecture.")
    elif len(municipalities) < 2 and project.contractor_id is None:
        errors["municipalities"] = _("A joint project needs two municipalities or more, or a contractor.")
    if project.lead_municipality_id not in {m.pk for m in municipalities}:
        errors["lead_municipality"] = _("The lead municipality must be one of the project's municipalities.")
    if project.contractor_id is not None and not Organization.objects.filter(
            pk=project.contractor_id, prefecture_id=project.prefecture_id, is_active=True).exists():
        errors["contractor"] = _("Choose an organization of the project's prefecture as the contractor.")
    unknown = [item for item in project.program_items or [] if item not in ProgramItem.values]
    if unknown:
        errors["program_items"] = _("Unknown program item.")
    if project.ended_on is not None and project.ended_on < project.started_on:
        errors["ended_on"] = _("The end date cannot be before the start date.")
    if errors:
        raise ValidationError(errors)


def _record_municipalities(project: JointProject, before: set[str], after: set[str]) -> None:
    if before == after:
        return
    audit.record(action="update", obj=project, changes={
        "municipalities": {"added": sorted(after - before), "removed": sorted(before - after)}})


def joint_project_create(*, membership, name: str, lead_municipality: Municipality,
                         municipalities: Iterable[Municipality], started_on: dt.date,
                         contractor: Organization | None = None, program_items: Iterable[str] = (),
                         note: str = "") -> JointProject:
    """Create a project led by `lead_municipality` in its prefecture."""
    municipalities = list(municipalities)
    project = JointProject(name=name.strip(), prefecture_id=lead_municipality.prefecture_id,
                           lead_municipality=lead_municipality, contractor=contractor,
                           program_items=list(program_items), started_on=started_on, note=note)
    policy.require(membership, MANAGE, project)
    _check(project, municipalities)
    with transaction.atomic():
        project.save()
        project.municipalities.set(municipalities)
        _record_municipalities(project, set(), {m.code for m in municipalities})
    return project


def joint_project_save(*, membership, project: JointProject, municipalities: Iterable[Municipality],
                       expected_version: int | None) -> JointProject:
    """Save the edited `project` (its fields as the form filled them) and its municipalities; StaleEdit when
    someone saved in between. The policy is asked on the stored project and again on the edited one (a lead
    cannot hand the project to a municipality they do not manage and keep editing it)."""
    stored = JointProject.objects.select_related("lead_municipality").get(pk=project.pk)
    policy.require(membership, MANAGE, stored)
    project.prefecture_id = stored.prefecture_id
    municipalities = list(municipalities)
    _check(project, municipalities)
    before = set(stored.municipalities.values_list("code", flat=True))
    with transaction.atomic():
        lock_checked(project, expected_version)
        project.save(update_fields=FIELDS)
        project.municipalities.set(municipalities)
        _record_municipalities(project, before, {m.code for m in municipalities})
    return project


def joint_project_end(*, membership, project: JointProject, ended_on: dt.date,
                      expected_version: int | None = None) -> JointProject:
    """End the project on `ended_on`: the contractor's access ends after that day; the records stay."""
    stored = JointProject.objects.get(pk=project.pk)
    policy.require(membership, MANAGE, stored)
    if ended_on < stored.started_on:
        raise ValidationError({"ended_on": _("The end date cannot be before the start date.")})
    with transaction.atomic():
        lock_checked(stored, expected_version)
        stored.ended_on = ended_on
        stored.save(update_fields=["ended_on"])
    return stored
