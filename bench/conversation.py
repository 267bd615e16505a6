"""C1: how conversational the built-in writer's scripts are, version 2 against version 1 (`writer_v1.py`).

Usage: python bench/conversation.py [--targets 750 300]
For each sample note in tests/writer_notes and each word target, both writers write a script and
tests/writer_measures.py measures it against the note; a summary checks issue #14's targets on the worst note.
"""

from __future__ import annotations

import argparse
import time

from harness import table
from writer_v1 import BuiltinScriptWriter as WriterV1

from pipeline.writers.base import Script, WritingRequest
from pipeline.writers.builtin import BuiltinScriptWriter
from tests.writer_measures import Measures, load_notes, measure

HOSTS = ("Alex", "Sam")


def _v2(note: str, target: int) -> Script:
    return BuiltinScriptWriter().write(WritingRequest(note, None, target, HOSTS))


def _v1(note: str, target: int) -> Script:
    return WriterV1().write(note, None, target, HOSTS)


def _row(name: str, target: int, writer: str, script: Script, found: Measures, ms: float) -> str:
    return (f"{name:<11} {target:>6} {writer:<3} {script.words:>6} {found.second_host_word_share:>6.0%} "
            f"{found.content_ratio:>8.2f} {found.grounded_question_share:>9.0%} {found.numbers_spoken_share:>8.0%} "
            f"{len(found.repeated_sentences):>9} {len(found.invented):>9} {found.generic_prompts:>8} {ms:>7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--targets", type=int, nargs="+", default=[750, 300])
    args = parser.parse_args()
    print(f"{'note':<11} {'target':>6} {'ver':<3} {'words':>6} {'B words':>6} {'B/A cont':>8} {'grounded':>9} "
          f"{'numbers':>8} {'repeated':>9} {'invented':>9} {'generic':>8} {'ms':>7}")
    worst: dict[str, list[Measures]] = {"v1": [], "v2": []}
    whole: dict[str, list[Measures]] = {"v1": [], "v2": []}  # at the largest target, where the whole note fits
    for name, note in load_notes().items():
        for target in args.targets:
            for label, write in (("v1", _v1), ("v2", _v2)):
                started = time.perf_counter()
                script = write(note, target)
                elapsed = (time.perf_counter() - started) * 1000
                found = measure(script, note, HOSTS)
                worst[label].append(found)
                if target == max(args.targets):
                    whole[label].append(found)
                print(_row(name, target, label, script, found, elapsed))
    new, old = worst["v2"], worst["v1"]
    print("\nWorst note and target for each figure (v2 measured, v1 as the reference):\n")
    table([
        ("C1 second host's share of words", f"{min(m.second_host_word_share for m in new):.0%}",
         f"{min(m.second_host_word_share for m in old):.0%}", "-", ">= 30%",
         min(m.second_host_word_share for m in new) >= 0.3),
        ("C2 second host's content / first's", f"{min(m.content_ratio for m in new):.2f}",
         f"{min(m.content_ratio for m in old):.2f}", "-", ">= 0.40", min(m.content_ratio for m in new) >= 0.4),
        ("C3 second host's questions naming the note", f"{min(m.grounded_question_share for m in new):.0%}",
         f"{min(m.grounded_question_share for m in old):.0%}", "-", ">= 60%",
         min(m.grounded_question_share for m in new) >= 0.6),
        ("C4 sentences spoken twice", str(sum(len(m.repeated_sentences) for m in new)),
         str(sum(len(m.repeated_sentences) for m in old)), "-", "0", not any(m.repeated_sentences for m in new)),
        ("C5 numbers or names not in the note", str(sum(len(m.invented) for m in new)),
         str(sum(len(m.invented) for m in old)), "-", "0", not any(m.invented for m in new)),
        (f"C6 a short note's numbers spoken ({max(args.targets)} words)",
         f"{min(m.numbers_spoken_share for m in whole['v2']):.0%}",
         f"{min(m.numbers_spoken_share for m in whole['v1']):.0%}", "-", ">= 80%",
         min(m.numbers_spoken_share for m in whole["v2"]) >= 0.8),
        ("C7 generic prompts in one episode", str(max(m.generic_prompts for m in new)),
         str(max(m.generic_prompts for m in old)), "-", "<= 1", max(m.generic_prompts for m in new) <= 1),
    ])


if __name__ == "__main__":
    main()
