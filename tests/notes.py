"""Sample notes shared by the tests and the benchmarks."""

from __future__ import annotations

SHORT_NOTE = (
    "# Tide pools\n\n"
    "Tide pools form where the sea leaves water behind on rocky shores at low tide.\n\n"
    "## Who lives there\n"
    "- Sea stars cling to rocks with hundreds of tiny tube feet\n"
    "- Anemones sting small fish and pull them into their mouths\n\n"
    "## Why they matter\n"
    "Tide pools let scientists watch how animals cope with heat, waves and drying out. "
    "Visitors should step only on bare rock and never take animals home."
)


TOPICS = ["Soil", "Seeds", "Water", "Light", "Pests", "Harvest"]


def long_note() -> str:
    """Six sections with enough distinct sentences for more than five minutes of speech."""
    parts = ["# Growing vegetables at home"]
    for number, topic in enumerate(TOPICS):
        parts.append(f"## {topic}")
        parts.append(" ".join(
            f"{topic} matters in week {week + 1} because plot {number * 10 + week} needs "
            f"{('careful', 'regular', 'gentle', 'patient')[week % 4]} attention before the "
            f"{('spring', 'autumn')[week % 2]} frost, so gardeners check it {week + 2} times a week."
            for week in range(9)))
    return "\n\n".join(parts)


def field_guide() -> str:
    """About 4,000 words in 30 sections: enough content for a 20-minute episode."""
    parts = ["# A long field guide"]
    for section in range(30):
        parts.append(f"## Field note {section + 1}")
        parts.append(" ".join(
            f"Observation {section + 1}.{line} records that the meadow plot number {line + section} held "
            f"{(line * 7 + section) % 23 + 2} kinds of flowers after the {('early', 'late')[line % 2]} rain."
            for line in range(7)))
    return "\n\n".join(parts)


def widget_facts(sections: int = 12, sentences_per_section: int = 25) -> str:
    """Many short, distinct facts in many sections: more than any target length can hold."""
    parts = []
    for s in range(sections):
        parts.append(f"## Topic number {s}")
        parts.append(" ".join(
            f"Fact {s}-{i} says that widget {s} interacts with gadget {i} in the lab {'daily' if i % 2 else 'weekly'}."
            for i in range(sentences_per_section)
        ))
    return "\n\n".join(parts)
