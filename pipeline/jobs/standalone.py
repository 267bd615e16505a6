"""One episode made right here, without a server, queue or database: what `notecast make` runs. The same steps
as a job (`produce_episode`), into a scratch media store whose files are then moved next to the output."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.episode.produce import produce_episode
from pipeline.progress import ProgressSink
from pipeline.providers import Providers, mix_settings
from settings import Settings
from store.media import LocalMediaStore
from store.records import ClaimedJob, NewJob, new_podcast_id

# Beside `episode.mp3`: episode.vtt, episode.srt, episode.json (the transcript) and episode.chapters.json.
SIDE_FILE_SUFFIXES = {"vtt": ".vtt", "srt": ".srt", "json": ".json", "chapters": ".chapters.json"}


@dataclass(frozen=True)
class MadeEpisode:
    """Where the episode and its side files were written, and what they hold."""

    audio: Path
    seconds: float
    title: str
    files: dict[str, Path] = field(default_factory=dict)
    loudness: dict[str, float] = field(default_factory=dict)


def make_episode(new: NewJob, settings: Settings, providers: Providers, output: Path, sink: ProgressSink
                 ) -> MadeEpisode:
    """Write the episode for `new` (a submission checked by `NoteSubmission.to_new_job`) to `output` (its suffix
    must match AUDIO_FORMAT) and its transcripts and chapters beside it."""
    job = ClaimedJob(job_id=f"cli_{new_podcast_id()}", podcast_id=new_podcast_id(), user_id=new.user_id,
                     note_id=new.note_id, note_content=new.note_content, title=new.title, duration=new.duration,
                     hosts=new.hosts, language=new.language, format=new.format, focus=new.focus)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="notecast-make-", dir=output.parent) as scratch:
        media = LocalMediaStore(Path(scratch) / "media", settings.public_base_url)
        mix = replace(mix_settings(settings), live_preview=False)  # no one listens to a command line's preview
        finished = produce_episode(job, replace(providers, media=media), mix, Path(scratch) / "work", sink)
        shutil.move(media.path_for(finished.audio_key), output)
        files: dict[str, Path] = {}
        for kind, key in (finished.files or {}).items():
            files[kind] = output.with_name(output.stem + SIDE_FILE_SUFFIXES[kind])
            shutil.move(media.path_for(key), files[kind])
    return MadeEpisode(audio=output, seconds=finished.audio_duration, title=finished.title, files=files,
                       loudness=finished.loudness or {})
