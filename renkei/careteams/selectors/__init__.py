"""Reads of patient data. Every read of a patient's data goes through here, which asks the policy and writes
the read entry (core.audit.record_read / record_reads), so no view or API operation can forget either.

Modules: `patients` (one patient, my patients, finding by identifiers). Other modules of this package and
of the apps built on careteams load patients with `patient_for` and record their own reads with `record_read`.
"""

from .patients import (
    find_patient,
    key_people_of,
    my_patients,
    patient_for,
    patient_or_404,
    record_read,
)

__all__ = ["find_patient", "key_people_of", "my_patients", "patient_for", "patient_or_404", "record_read"]
