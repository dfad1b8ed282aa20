"""The sentence each rule step reads as, in Japanese and English, generated from its fields."""

from renkei.handoff.rule_text import step_sentence, timing_en, timing_ja


def step(**fields):
    return {"key": "screening", "actor": "hospital", "anchor": "admission", "offset_days": 2, "day_unit": "working",
            "after_hours_shift": False, "is_required": True, "label": "", **fields}


def test_working_days_read_as_within_n_days_counting_the_day_of_admission_without_days_off():
    assert timing_ja(step()) == "入院日を含め3開庁日以内（土日祝・市町村の閉庁日を除く）"


def test_calendar_days_say_a_deadline_on_a_day_off_moves_to_the_next_working_day():
    assert timing_ja(step(day_unit="calendar")) == (
        "入院日を含め3日以内（期限が土日祝・閉庁日にあたるときは次の開庁日まで）")


def test_a_step_before_the_planned_discharge_reads_as_days_before():
    text = timing_ja(step(key="discharge_notice", anchor="planned_discharge", offset_days=-7, day_unit="calendar"))
    assert text == "退院予定日の7日前まで"
    assert timing_ja(step(anchor="planned_discharge", offset_days=-1, day_unit="calendar")) == "退院予定日の前日まで"


def test_the_after_hours_shift_is_explained():
    assert "営業時間外（18時以降）の入院は翌日から数える" in timing_ja(step(after_hours_shift=True))
    assert "after office hours (18:00) the count starts the next day" in timing_en(step(after_hours_shift=True))


def test_the_full_sentence_names_who_does_what_in_both_languages():
    national = step(key="admission_info", actor="care_manager", offset_days=2, day_unit="calendar",
                    after_hours_shift=True)
    assert step_sentence(national, "ja").startswith("ケアマネジャーが、入院日を含め3日以内（")
    assert step_sentence(national, "ja").endswith("に入院時情報（入院時情報提供書）を病院へ提供する。")
    assert step_sentence(national, "en").startswith(
        "The care manager sends the admission information to the hospital: "
        "within 3 days of admission, counting its day")


def test_the_day_itself_an_optional_step_and_a_label_read_naturally():
    same_day = step(key="summaries", anchor="discharge", offset_days=0, day_unit="calendar", is_required=False,
                    label="退院時の情報提供")
    assert step_sentence(same_day, "ja") == (
        "病院が、退院日のうち（期限が土日祝・閉庁日にあたるときは次の開庁日まで）に"
        "退院時サマリー・看護サマリー等を送る（退院時の情報提供）。（必要な場合）")
    assert step_sentence(same_day, "en").endswith("(when needed)")
    assert "on the day of discharge" in step_sentence(same_day, "en")


def test_every_example_template_is_a_valid_rule_that_cites_its_source():
    from renkei.handoff.rule_templates import TEMPLATES
    from renkei.handoff.services.rules import steps_problems

    assert set(TEMPLATES) == {"national", "fukui", "seino", "tajima"}
    for template in TEMPLATES.values():
        assert steps_problems(list(template.steps)) == [], template.key
        assert template.source and "研究ノート" in template.source
        assert all(step_sentence(s, "ja") for s in template.steps)
    notice = {s["key"]: s for s in TEMPLATES["fukui"].steps}["discharge_notice"]
    assert (notice["offset_days"], notice["counts_for_missed"]) == (-7, True)
    assert TEMPLATES["tajima"].excluded_planned_stay_days == 3
    assert {s["key"]: s["offset_days"] for s in TEMPLATES["seino"].steps}["interview"] == 6
