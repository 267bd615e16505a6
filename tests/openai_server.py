"""A small OpenAI-compatible server for the tests, on loopback: `/v1/chat/completions` with structured output
and `/v1/audio/speech` returning real MP3 (Piper's voice), plus scripted faults (429, 500, timeouts, malformed
JSON, an unknown speaker, a rejected key)."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pipeline.ffmpeg import ffmpeg_exe
from pipeline.sentences import split_sentences, word_count
from pipeline.voices.piper import PiperModel, PiperVoice

_PART = re.compile(r"--- NOTE PART[^\n]*---\n(.*?)\n--- END OF NOTE PART ---", re.S)


@dataclass
class FakeOpenAI:
    """State shared with the handler: queued faults, what was asked, and knobs for answers."""

    url: str = ""
    faults: list[str] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    write_ratio: float = 1.0  # first drafts come back at this fraction of the asked length
    stall_seconds: float = 3.0
    speech_in_flight: int = 0
    speech_peak: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    voice: PiperVoice = field(default_factory=lambda: PiperVoice(PiperModel(threads=1)))

    def tasks(self, kind: str) -> list[dict[str, Any]]:
        """Recorded chat requests of one task kind (OUTLINE, WRITE, ADJUST)."""
        return [r for r in self.requests if r.get("task") == kind]


def _words_to(sentences: list[str], wanted: int) -> list[str]:
    texts, total, index = [], 0, 0
    while total < wanted and sentences:
        sentence = sentences[index % len(sentences)]
        texts.append(sentence)
        total += word_count(sentence)
        index += 1
    return texts


def _covering_sentences(text: str) -> list[str]:
    """Like a model summarising: every paragraph's opening sentence first, then the rest."""
    paragraphs = [split_sentences(" ".join(p.split())) for p in text.split("\n\n") if p.strip()]
    openers = [p[0] for p in paragraphs if p]
    return openers + [sentence for p in paragraphs for sentence in p[1:]]


def _dialogue(user: str, hosts: list[str], wanted: int) -> dict[str, Any]:
    part = _PART.search(user)
    sentences = _covering_sentences(part.group(1) if part else "Nothing.")
    turns = [{"speaker": hosts[i % len(hosts)], "text": text} for i, text in enumerate(_words_to(sentences, wanted))]
    sections = [{"title": "Part", "turns": turns}]
    if "Intro" in user:
        sections.insert(0, {"title": "Intro", "turns": [{"speaker": hosts[0], "text": "Welcome to the show."}]})
    if "Outro" in user:
        sections.append({"title": "Outro", "turns": [{"speaker": hosts[-1], "text": "Thanks for listening."}]})
    return {"sections": sections}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps({"error": {"message": message, "type": "error"}}).encode(), headers=headers)

    def do_POST(self) -> None:
        state = self.server.state
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        with state.lock:
            fault = state.faults.pop(0) if state.faults else None
        user = next((m["content"] for m in body.get("messages", []) if m["role"] == "user"), "")
        task = re.search(r"TASK: (\w+)", user)
        state.requests.append({"path": self.path, "body": body, "task": task.group(1) if task else None,
                               "fault": fault, "at": time.monotonic()})
        if fault == "401":
            return self._error(401, f"Incorrect API key provided: {self.headers.get('authorization', '')[7:]}")
        if fault == "429":
            return self._error(429, "Rate limit reached", {"retry-after": "1"})
        if fault == "500":
            return self._error(500, "The server had an error")
        if fault == "timeout":
            time.sleep(state.stall_seconds)
        if self.path.endswith("/audio/speech"):
            return self._speech(body, fault)
        return self._chat(body, user, task.group(1) if task else "", fault)

    def _chat(self, body: dict[str, Any], user: str, task: str, fault: str | None) -> None:
        state = self.server.state
        if task == "OUTLINE":
            part = _PART.search(user)
            first = split_sentences(" ".join((part.group(1) if part else "").split()) or "Empty.")[0]
            payload: Any = {"sections": [{"title": first[:60], "points": [first]}]}
        else:
            schema = body["response_format"]["json_schema"]["schema"]
            hosts = schema["properties"]["sections"]["items"]["properties"]["turns"]["items"]["properties"][
                "speaker"]["enum"]
            target = int(re.search(r"about (\d+) words", user).group(1))  # type: ignore[union-attr]
            ratio = state.write_ratio if task == "WRITE" else 1.0
            payload = _dialogue(user, hosts, int(target * ratio))
            if fault == "bad_speaker":
                payload["sections"][0]["turns"][0]["speaker"] = "Narrator"
        content = "{not json" if fault == "malformed" else json.dumps(payload)
        answer = {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
                  "model": body.get("model", "test"),
                  "choices": [{"index": 0, "finish_reason": "stop",
                               "message": {"role": "assistant", "content": content}}],
                  "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        self._send(200, json.dumps(answer).encode())

    def _speech(self, body: dict[str, Any], fault: str | None) -> None:
        state = self.server.state
        with state.lock:
            state.speech_in_flight += 1
            state.speech_peak = max(state.speech_peak, state.speech_in_flight)
        try:
            pcm = state.voice.synthesize(body["input"])
            mp3 = subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "s16le", "-ar", "22050", "-ac", "1", "-i",
                                  "pipe:0", "-f", "mp3", "pipe:1"], input=pcm, capture_output=True, check=True).stdout
            time.sleep(0.05)  # long enough that concurrent requests overlap
        finally:
            with state.lock:
                state.speech_in_flight -= 1
        self._send(200, b"garbage" if fault == "malformed" else mp3, content_type="audio/mpeg")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: FakeOpenAI


@contextmanager
def fake_openai() -> Iterator[FakeOpenAI]:
    """Serve a FakeOpenAI on a free loopback port until the block ends."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = FakeOpenAI(url=f"http://127.0.0.1:{server.server_address[1]}/v1")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.state
    finally:
        server.shutdown()
        server.server_close()
