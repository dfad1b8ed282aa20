"""Rules of §4 joint implementation: joint projects of several municipalities, delegation to a contractor.
The joint part adds its rules here."""
