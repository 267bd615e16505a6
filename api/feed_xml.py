"""A user's episodes as an RSS 2.0 podcast feed (feedgen), with the iTunes and Podcasting 2.0 namespaces."""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from pipeline.episode.transcripts import TRANSCRIPT_KINDS
from pipeline.feeds import feed_title, show_notes
from store.media import MediaStore, content_type

PODCAST_NAMESPACE = "https://podcastindex.org/namespace/1.0"
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
log = logging.getLogger(__name__)


class _PodcastIndexFeed(BaseExtension):
    """Channel level: declares the namespace and marks the feed as private to aggregators."""

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NAMESPACE}

    def extend_rss(self, feed: Any) -> Any:
        locked = xml_elem(f"{{{PODCAST_NAMESPACE}}}locked", feed[0])
        locked.text = "yes"  # a private feed: directories must not import it
        return feed


class _PodcastIndexEntry(BaseEntryExtension):
    """Item level: `podcast:transcript` (one per format) and `podcast:chapters`."""

    def __init__(self) -> None:
        self.transcripts: list[tuple[str, str]] = []
        self.chapters: str | None = None
        self.language = "en"

    def extend_rss(self, entry: Any) -> Any:
        for url, kind in self.transcripts:
            xml_elem(f"{{{PODCAST_NAMESPACE}}}transcript", entry, url=url, type=kind, language=self.language)
        if self.chapters:
            xml_elem(f"{{{PODCAST_NAMESPACE}}}chapters", entry, url=self.chapters, type="application/json+chapters")
        return entry


def render_feed(*, show: str, name: str | None, user_id: str, feed_url: str, site_url: str, cover_url: str,
                podcasts: list[dict[str, Any]], media: MediaStore) -> bytes:
    """The feed XML for `podcasts` (newest first), titled after `name`."""
    feed = FeedGenerator()
    feed.load_extension("podcast")
    feed.register_extension("podcastindex", _PodcastIndexFeed, _PodcastIndexEntry, atom=False)
    feed.title(xml_text(feed_title(show, name)))
    feed.description(f"Episodes {show} made from your notes. This feed is private: do not share its address.")
    feed.link(href=feed_url, rel="self")
    feed.link(href=site_url, rel="alternate")  # after `self`: RSS's <link> takes the last one given
    # RSS has one language per channel: the one most of the episodes are in
    languages = Counter(str(podcast.get("language") or "en") for podcast in podcasts)
    feed.language(languages.most_common(1)[0][0] if languages else "en")
    feed.image(url=cover_url, title=show, link=site_url)
    feed.podcast.itunes_author(show)
    feed.podcast.itunes_image(cover_url)
    feed.podcast.itunes_explicit("no")
    feed.podcast.itunes_block(True)
    feed.podcast.itunes_category("Education")
    for podcast in reversed(podcasts):  # feedgen puts the last added entry first
        entry = feed.add_entry()
        try:
            _fill_entry(entry, podcast, media)
            entry.rss_entry()  # builds the item's XML now, so a bad item fails here, alone
        except Exception as exc:  # whatever one stored episode holds, the rest of the feed must still work
            feed.remove_entry(entry)
            log.warning("feed of %s: skipped episode %s (%s)", user_id, podcast.get("podcast_id"),
                        type(exc).__name__)
    return feed.rss_str(pretty=True)  # type: ignore[no-any-return]


def _fill_entry(entry: Any, podcast: dict[str, Any], media: MediaStore) -> None:
    entry.guid(podcast["podcast_id"], permalink=False)
    entry.title(xml_text(podcast["title"]))
    entry.description(xml_text(show_notes(podcast)))
    entry.published(podcast["created_at"])
    audio_key = podcast["audio_key"]
    entry.enclosure(media.url_for(audio_key), str(podcast["audio_bytes"]), content_type(audio_key))
    entry.podcast.itunes_duration(round(podcast["audio_duration"]))
    files = podcast.get("files") or {}
    extension = entry.podcastindex
    extension.transcripts = [(media.url_for(files[kind]), content_type(files[kind]))
                             for kind in TRANSCRIPT_KINDS if kind in files]
    extension.chapters = media.url_for(files["chapters"]) if "chapters" in files else None
    extension.language = str(podcast.get("language") or "en")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry (stored before titles were checked, or from a model)."""
    return _NOT_XML.sub("", text)
