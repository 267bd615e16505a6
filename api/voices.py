"""`/api/voices`: the voices a request may give its hosts, each with a short sample to listen to."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response

from api.auth import services
from api.schemas import HostView, VoiceListResponse, VoiceView, errors, json_response
from errors import NotFound, VoiceError
from pipeline.audio.samples import voice_sample

router = APIRouter(prefix="/api/voices", tags=["voices"])


VoiceName = Annotated[str, Path(max_length=80, description="A voice's name, as engine:voice")]


def sample_url(name: str) -> str:
    """Where a voice's sample is served (relative to the server)."""
    return f"/api/voices/{quote(name, safe=':')}/sample"


@router.get("", response_model=VoiceListResponse)
def list_voices(request: Request) -> Response:
    """The voices a request may name in `hosts`."""
    providers = services(request).providers
    voices = [VoiceView(name=info.name, label=info.label, language=info.language, sampleUrl=sample_url(info.name))
              for info in providers.voices.available()]
    hosts = [HostView(name=host.name, voice=host.voice) for host in providers.hosts]
    return json_response(VoiceListResponse(voices=voices, defaultHosts=hosts))


@router.get("/{voice}/sample", response_class=FileResponse, responses=errors(404, 422),
            summary="A few seconds of the voice (MP3)")
async def voice_sample_audio(request: Request, voice: VoiceName) -> FileResponse:
    """Made on first request, then served from disk."""
    shared = services(request)
    if voice not in {info.name for info in shared.providers.voices.available()}:
        raise NotFound(f"There is no voice {voice!r} on this server")
    try:
        path = await run_in_threadpool(voice_sample, shared.providers.voices.voice(voice),
                                       shared.settings.data_dir / "cache" / "samples")
    except VoiceError as exc:
        raise NotFound(f"The voice {voice!r} cannot speak right now: {exc.message}") from None
    return FileResponse(path, media_type="audio/mpeg", headers={"Cache-Control": "public, max-age=86400"})


def document_offered_voices(app: FastAPI, names: list[str]) -> None:
    """List this server's voices as the allowed values of a host's `voice` in /openapi.json, so the schema says
    what the server accepts (a client generated from it gets an enum)."""
    plain = app.openapi

    def with_voices() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = plain()
            voice = schema.get("components", {}).get("schemas", {}).get("HostChoice", {}).get("properties", {})
            if "voice" in voice:
                voice["voice"]["anyOf"] = [{"type": "string", "enum": names}, {"type": "null"}]
        return app.openapi_schema or plain()

    app.openapi = with_voices  # type: ignore[method-assign]
