"""The measures the writer's tests and `bench/conversation.py` rely on, on small hand-made scripts."""

from __future__ import annotations

from pipeline.writers.base import Script, Section, Turn
from tests.writer_measures import measure

HOSTS = ("Alex", "Sam")
NOTE = "Octopuses have 500 million neurons. Chromatophores change colour in 200 milliseconds near Lisbon."


def script(*turns: tuple[str, str]) -> Script:
    return Script("T", (Section("Body", tuple(Turn(speaker, text) for speaker, text in turns)),))


def test_a_second_host_who_only_says_right_carries_nothing() -> None:
    found = measure(script(("Alex", NOTE), ("Sam", "Right.")), NOTE, HOSTS)
    assert found.second_host_word_share < 0.1 and found.content_ratio == 0
    assert found.numbers_spoken_share == 1.0 and found.invented == ()


def test_shared_content_and_grounded_questions_are_counted() -> None:
    found = measure(script(("Alex", "Octopuses have 500 million neurons."), ("Sam", "How fast do chromatophores "
                                                                             "change colour? What's the idea?")),
                    NOTE, HOSTS)
    assert found.grounded_question_share == 0.5 and found.generic_prompts == 1
    assert 0.5 < found.content_ratio < 1.5
    assert found.numbers_spoken_share == 0.5


def test_invented_numbers_and_names_and_repeats_are_reported() -> None:
    found = measure(script(("Alex", "Octopuses have 600 million neurons in Madrid."), ("Sam", "Okay."),
                           ("Alex", "Octopuses have 600 million neurons in Madrid."), ("Sam", "Okay.")), NOTE, HOSTS)
    assert set(found.invented) == {"600", "Madrid"}
    assert found.repeated_sentences == ("octopuses have 600 million neurons in madrid",)
    assert "Okay." in found.repeated_reactions


def test_numbers_and_names_from_a_code_block_count_as_the_note() -> None:
    note = "We deploy v2.3.1 to 40% of hosts.\n\n```\nredis-cli -p 6380 PING Valkey\n```\n"
    said = "So v2.3.1 goes to 40% of hosts, and the Valkey port is 6380."
    found = measure(script(("Alex", said), ("Sam", "Then v2.3.2 goes to 45% of them.")), note, HOSTS)
    assert set(found.invented) == {"2.3.2", "45%"}
    assert found.numbers_spoken_share == 1.0


def test_sentence_starts_hosts_and_i_are_not_names() -> None:
    found = measure(script(("Alex", "Honestly, I agree. Sam, octopuses have 500 million neurons, I'm told."),
                           ("Sam", "Thanks, Alex. Chromatophores near Lisbon, then.")), NOTE, HOSTS)
    assert found.invented == ()


def test_a_repeat_is_found_through_case_and_punctuation_but_short_sentences_are_left() -> None:
    found = measure(script(("Alex", "Octopuses have 500 million neurons, roughly!"), ("Sam", "They do. They do."),
                           ("Alex", "octopuses have 500 million neurons roughly.")), NOTE, HOSTS)
    assert found.repeated_sentences == ("octopuses have 500 million neurons roughly",)


def test_the_first_hosts_empty_questions_are_generic_too() -> None:
    found = measure(script(("Alex", "Where were we? Why would anyone care?"), ("Sam", "Octopuses.")), NOTE, HOSTS)
    assert found.generic_prompts == 2 and found.grounded_question_share == 1.0
