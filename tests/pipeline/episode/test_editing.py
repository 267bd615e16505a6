"""Editing helpers: an old episode's script rebuilt from its transcript, the turns an edit has to voice, and a
user's pronunciations laid over a script."""

from __future__ import annotations

from pipeline.episode import checkpoints
from pipeline.episode.editing import changed_turns, script_of, with_lexicon
from pipeline.writers.base import Script, Section, Turn


def test_an_episode_from_before_scripts_were_kept_gets_its_script_from_the_transcript() -> None:
    transcript = [{"speaker": "Alex", "text": "Hi.", "section": "Intro", "start": 0.0, "end": 1.0},
                  {"speaker": "Sam", "text": "Hello there.", "section": "Intro", "start": 1.2, "end": 2.0},
                  {"speaker": "Alex", "text": "Tides.", "section": "Tides", "start": 2.5, "end": 3.0}]
    script = script_of({"title": "Old", "transcript": transcript, "script": None})
    assert script["title"] == "Old" and script["target_words"] == 4
    assert script["sections"] == [{"title": "Intro", "turns": [["Alex", "Hi."], ["Sam", "Hello there."]]},
                                  {"title": "Tides", "turns": [["Alex", "Tides."]]}]
    kept = {"title": "Written", "target_words": 9, "notices": [], "sections": script["sections"]}
    assert script_of({"title": "Renamed", "transcript": [], "script": kept})["title"] == "Renamed"


def test_only_new_or_changed_turns_count_as_changed() -> None:
    before = {"sections": [{"title": "A", "turns": [["Alex", "One."], ["Sam", "Two."], ["Alex", "Three."]]}]}
    reordered = {"sections": [{"title": "A", "turns": [["Alex", "Three."], ["Alex", "One."]]}]}
    assert changed_turns(before, reordered) == 0, "moving and deleting turns voices nothing"
    edited = {"sections": [{"title": "A", "turns": [["Sam", "One."], ["Sam", "Two."], ["Sam", "Two."],
                                                    ["Alex", "Three.", {"Three": "three!"}]]}]}
    assert changed_turns(before, edited) == 3, "a new speaker, a repeat and a pronunciation each voice anew"


def test_a_lexicon_reaches_only_the_turns_that_use_it_and_a_turn_span_wins() -> None:
    script = Script("T", (Section("S", (Turn("Alex", "We run NGINX."), Turn("Sam", "And Postgres."),
                                        Turn("Alex", "Nginx again.", (("Nginx", "en gin ex"),)))),))
    laid = with_lexicon(script, {"nginx": "engine x", "SQL": "sequel"})
    assert [turn.say for turn in laid.turns] == [(("nginx", "engine x"),), (), (("nginx", "engine x"),
                                                                               ("Nginx", "en gin ex"))]
    assert with_lexicon(script, {}) is script


def test_pronunciations_survive_the_checkpoint() -> None:
    script = Script("T", (Section("S", (Turn("Alex", "Siobhan says hi.", (("Siobhan", "shiv awn"),)),
                                        Turn("Sam", "Hi.")),),))
    stored = checkpoints.script_json(script, 10)
    assert stored["sections"][0]["turns"] == [["Alex", "Siobhan says hi.", {"Siobhan": "shiv awn"}], ["Sam", "Hi."]]
    assert checkpoints.script_from_json(stored) == (script, 10)
