"""The words and sentence shapes the writer treats specially."""

from __future__ import annotations

from pipeline.writers.builtin.wording import JOINED_ON, is_dull, without_generic_label


def test_a_sentence_leans_on_the_one_before_only_when_it_opens_with_a_conjunction() -> None:
    assert all(JOINED_ON.match(s) for s in ("But I ran", "And they left.", "So we stayed.", "Yet it worked."))
    assert not any(JOINED_ON.match(s) for s in ("So far I have saved", "So many people came", "So-called experts",
                                                "Andrew said", "Butter first.", "Sorting is slow."))


def test_a_label_that_names_a_kind_of_remark_comes_off_and_one_that_names_a_subject_stays() -> None:
    assert without_generic_label("Tip: keep the bedroom cool.") == "keep the bedroom cool."
    assert without_generic_label("My take: the book is long.") == "the book is long."
    assert without_generic_label("Churn: 3.1%, the highest this year.") == "Churn: 3.1%, the highest this year."


def test_months_are_dull_as_names_and_march_and_may_only_as_names() -> None:
    assert is_dull("April") and is_dull("tuesday") and is_dull("March") and is_dull("weeks")
    assert not is_dull("march") and not is_dull("may") and not is_dull("octopus")
