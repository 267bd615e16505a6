"""How an episode is put together and delivered (pauses, joins, intro music, format, labels), and what mixing
it gives back."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipeline.audio.mastering import AudioFormat, Loudness, audio_format
from store.records import Transcript


@dataclass(frozen=True)
class MixSettings:
    """How an episode is put together and delivered (times in milliseconds)."""

    pause_ms: int = 350
    section_pause_ms: int = 700
    ramp_ms: int = 10  # fade at both ends of every turn, so joins never click
    # Silence before the first word when there is no intro music. AAC's encoder starting straight on speech
    # overshot the first transients by up to 3.7 dB: of 30 brief episodes, 8 read back above -2 dBTP and 3 above the
    # -1.5 ceiling, which pass 2 then met by turning the whole episode down, below the loudness target. With
    # 200 ms in front, 30 of 30 read -2.2 to -3.3 dBTP. (200 ms is a whole number of samples at every voice's
    # rate, so splices still cut on the same samples as a whole new mix.)
    lead_ms: int = 200
    intro_music: Path | None = None
    intro_lead_ms: int = 3000
    intro_music_seconds: float = 12.0
    audio_format: str = "mp3"
    bitrate_kbps: int = 96
    show_name: str = "Notecast"
    cover: Path | None = None
    live_preview: bool = False  # also encode a growing preview as the mix is made (pipeline.audio.preview)

    def pause_before(self, index_in_section: int) -> int:
        """The pause (ms) before a turn that is not the episode's first: longer where a section starts."""
        return self.section_pause_ms if index_in_section == 0 else self.pause_ms

    @property
    def format(self) -> AudioFormat:
        """The delivery format."""
        return audio_format(self.audio_format, self.bitrate_kbps)


@dataclass(frozen=True)
class MixedEpisode:
    """A mixed (or mastered) episode's timed transcript, length in seconds and measured loudness."""

    transcript: Transcript
    seconds: float
    loudness: Loudness

    def as_json(self) -> dict[str, Any]:
        """Plain JSON, for checkpoints and the episode cache."""
        return {"transcript": self.transcript, "seconds": self.seconds, "loudness": asdict(self.loudness)}

    @classmethod
    def from_json(cls, data: Any) -> MixedEpisode | None:
        """The record `as_json` wrote; None if `data` is not one."""
        try:
            loudness = data.get("loudness", data.get("measured"))  # "measured": checkpoints of earlier versions
            return cls(list(data["transcript"]), float(data["seconds"]), Loudness(**loudness))
        except (AttributeError, KeyError, TypeError, ValueError):
            return None
