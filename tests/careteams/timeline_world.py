"""A small team for the timeline tests: a patient registered by a care manager, a nurse and a doctor of other
organizations covered by a consent, and an outsider (a professional not on the team)."""

from __future__ import annotations

import io
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from renkei.careteams.models import TeamRole
from renkei.core.models import Organization, Profession

from .factories import ConsentFactory, PatientFactory, professional, team_with


def build_team() -> SimpleNamespace:
    care_manager = professional()
    patient = PatientFactory(registered_by=care_manager, name="試験 花子", kana="シケン ハナコ")
    municipality = patient.municipality
    nurse = professional(kind=Organization.Kind.VISITING_NURSING_STATION, municipality=municipality,
                         profession=Profession.VISITING_NURSE)
    doctor = professional(kind=Organization.Kind.CLINIC, municipality=municipality, profession=Profession.DOCTOR)
    outsider = professional(kind=Organization.Kind.CLINIC, municipality=municipality, profession=Profession.DOCTOR)
    ConsentFactory(patient=patient, recorded_by=care_manager)
    members = SimpleNamespace(care_manager=patient.care_team.members.get(),
                              nurse=team_with(patient, nurse, TeamRole.VISITING_NURSE),
                              doctor=team_with(patient, doctor, TeamRole.ATTENDING_DOCTOR))
    return SimpleNamespace(patient=patient, care_manager=care_manager, nurse=nurse, doctor=doctor,
                           outsider=outsider, members=members)


def jpeg(name: str = "photo.jpg", size=(20, 20)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, "blue").save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def pdf(name: str = "紹介状.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n", content_type="application/pdf")
