"""The JSON contract (camelCase, as the seed's Next.js client expects): one model per shape, built from the
store's records here. Routes answer with these models, so the OpenAPI schema and the bytes sent are one."""

from api.schemas.common import (
    ErrorResponse,
    HostView,
    LoudnessView,
    TranscriptLine,
    TranscriptUrls,
    UserId,
    encode,
    errors,
    iso,
    json_response,
)
from api.schemas.jobs import (
    EnqueueResponse,
    JobListResponse,
    JobResponse,
    JobView,
    SegmentCounts,
    SyncGenerateResponse,
)
from api.schemas.podcasts import DeletedResponse, DismissedResponse, FeedResponse, PodcastResponse, PodcastView
from api.schemas.scripts import (
    EditQueuedResponse,
    LexiconBody,
    LexiconResponse,
    PodcastScriptResponse,
    Pronunciation,
    ScriptResponse,
    ScriptSection,
    ScriptTurn,
    ScriptView,
    VersionListResponse,
    VersionView,
)
from api.schemas.service import HealthResponse, QueueCounts, VoiceListResponse, VoiceView

__all__ = [
    "DeletedResponse", "DismissedResponse", "EditQueuedResponse", "EnqueueResponse", "ErrorResponse",
    "FeedResponse", "HealthResponse", "HostView", "JobListResponse", "JobResponse", "JobView", "LexiconBody",
    "LexiconResponse", "LoudnessView", "PodcastResponse", "PodcastScriptResponse", "PodcastView", "Pronunciation",
    "QueueCounts", "ScriptResponse", "ScriptSection", "ScriptTurn", "ScriptView", "SegmentCounts",
    "SyncGenerateResponse", "TranscriptLine", "TranscriptUrls", "UserId", "VersionListResponse", "VersionView",
    "VoiceListResponse", "VoiceView", "encode", "errors", "iso", "json_response",
]
