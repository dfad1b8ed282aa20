"""The load benchmark's checks of acknowledged writes, on made-up outcomes (no server)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from load import Edit, SurveyAnswer, check_edits, check_survey_answers, log_errors  # noqa: E402


def test_edits_in_one_chain_are_all_kept():
    edits = [Edit(1, "", "t1", "ack"), Edit(1, "t1", "t2", "ack"), Edit(1, "t2", "t3", "ack")]
    writes = [(1, "", "t1"), (1, "t1", "t2"), (1, "t2", "t3")]
    result = check_edits(edits, {1: "t3"}, writes)
    assert result["acknowledged"] == 3
    assert result["overwritten"] == [] and result["blind_writes"] == [] and result["not_once"] == []


def test_an_edit_saved_from_a_form_opened_before_another_save_is_an_unseen_overwrite():
    # Both forms showed "", both saves were acknowledged: t1 is gone and t2 wrote over a value it never showed.
    edits = [Edit(1, "", "t1", "ack"), Edit(1, "", "t2", "ack")]
    result = check_edits(edits, {1: "t2"}, [(1, "", "t1"), (1, "t1", "t2")])
    assert result["overwritten"] == ["t1"]
    assert result["blind_writes"] == ["t2"]


def test_a_conflict_screen_counts_as_seen_not_lost():
    edits = [Edit(1, "", "t1", "ack"), Edit(1, "", "t2", "conflict", 409), Edit(2, "", "u1", "form", 200)]
    result = check_edits(edits, {1: "t1", 2: ""}, [(1, "", "t1")])
    assert result["conflicts_seen"] == 2 and result["overwritten"] == [] and result["errors"] == 0


def test_an_acknowledged_edit_missing_from_the_audit_or_written_twice_is_reported():
    edits = [Edit(1, "", "t1", "ack"), Edit(2, "", "u1", "ack")]
    result = check_edits(edits, {1: "t1", 2: "u1"}, [(2, "", "u1"), (2, "u1", "u1")])
    assert sorted(result["not_once"]) == ["t1", "u1"]


def test_an_unacknowledged_edit_that_reached_the_database_keeps_the_chain_whole():
    # t2's answer was lost (error) but it was saved; t3 was opened on it: t1 is still on the chain.
    edits = [Edit(1, "", "t1", "ack"), Edit(1, "t1", "t2", "error"), Edit(1, "t2", "t3", "ack")]
    result = check_edits(edits, {1: "t3"}, [(1, "", "t1"), (1, "t1", "t2"), (1, "t2", "t3")])
    assert result["overwritten"] == [] and result["errors"] == 1


def test_survey_answers_acknowledged_must_be_stored_exactly_once():
    answers = [SurveyAnswer("/a/", "s1", "ack"), SurveyAnswer("/b/", "s2", "ack"),
               SurveyAnswer("/c/", "s3", "error", 500), SurveyAnswer("/d/", "s4", "ack")]
    result = check_survey_answers(answers, ["s1", "s3", "s4", "s4"])
    assert result["acknowledged"] == 3
    assert result["missing"] == ["s2"] and result["duplicated"] == ["s4"]
    assert result["stored_unacknowledged"] == 1


def test_server_log_errors_are_counted_by_kind():
    log = ("Internal Server Error: /directory/survey/answer/x/\n...sqlite3.OperationalError: database is locked\n"
           "Internal Server Error: /x/\npsycopg.errors.DeadlockDetected: deadlock detected\n")
    assert log_errors(log) == {"database is locked": 1, "deadlock": 1, "logged 500": 2}
