"""The walk's world says what its docstring says, at the level of the policy's facts."""

from renkei.core import policy

from .walk_world import READERS, WRITERS, build_world


def test_the_walk_world_gives_exactly_the_expected_people_the_patient(db):
    world = build_world()
    for name, membership in world.members.items():
        reads = policy.check(membership, "careteams.view_patient", world.patient)
        writes = policy.check(membership, "careteams.edit_patient", world.patient)
        assert reads == (name in READERS), name
        assert writes == (name in WRITERS), name
