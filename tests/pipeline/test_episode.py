"""A job is completed only once its stored audio is verified."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from pipeline.episode import Providers
from pipeline.services import Services
from store import records
from store.media import LocalMediaStore
from tests.conftest import wait_for_job


class TruncatingStore(LocalMediaStore):
    """Stores only the first kilobyte, as a failing disk or a broken upload might."""

    def put(self, source: Path, key: str, content_type: str) -> int:
        target = self.path_for(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes()[:1024])
        return 1024


def test_a_truncated_stored_file_fails_the_job_and_is_removed(
    make_services: Callable[..., Services], fake_providers: Providers
) -> None:
    media = fake_providers.media
    assert isinstance(media, LocalMediaStore)
    services = make_services(replace(fake_providers, media=TruncatingStore(media.root, media.public_base_url)))
    note = " ".join(f"Sentence number {i} is here." for i in range(40))
    job = services.executor.submit(records.NewJob(user_id="u", note_id="n", note_content=note, duration="short")).record
    finished = wait_for_job(services, job.job_id)
    assert finished.status == "failed"
    assert "stored audio lasts" in (finished.error or "") or "does not decode" in (finished.error or "")
    assert not any(media.root.rglob("*.mp3")), "an unverified file is not left behind"
