"""B1-B4: the single executable (`make binary` first): its size, its first and second start to the first
`/healthz` 200, and `notecast make` on a medium note from the executable next to the same command from the
virtualenv. Each run gets a fresh data directory (no segment cache), and the executable a fresh cache for B2."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from harness import ROOT, table

from tests.notes import field_guide
from tests.server import free_port

BINARY = ROOT / "dist" / "notecast"
VENV_NOTECAST = ROOT / ".venv" / "bin" / "notecast"


def start_seconds(home: Path) -> float:
    """From launching `notecast serve` to its first /healthz 200."""
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "HOST": "127.0.0.1", "PORT": str(port)}
    began = time.perf_counter()
    server = subprocess.Popen([str(BINARY), "serve"], cwd=home, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    return time.perf_counter() - began
            except httpx.TransportError:
                time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(timeout=30)


def make_rtf(command: Path, note: Path, home: Path, data: Path) -> float:
    """Wall time of `notecast make` on `note` divided by the audio it made, with a fresh data directory (no
    cached segments) and the executable already unpacked in `home` (B2 measures the unpacking)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "NOTECAST_DATA_DIR": str(data)}
    began = time.perf_counter()
    made = subprocess.run([str(command), "make", str(note), "-o", str(data / "episode.mp3"), "--duration",
                           "medium", "--json"], env=env, capture_output=True, text=True, check=True)
    return (time.perf_counter() - began) / float(json.loads(made.stdout)["seconds"])


def main() -> None:
    if not BINARY.is_file():
        sys.exit("build it first: make binary")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        home = folder / "home"
        home.mkdir()
        first, second = start_seconds(home), start_seconds(home)
        note = folder / "guide.md"
        note.write_text(field_guide())
        rtf = {name: make_rtf(command, note, home, folder / name)
               for name, command in (("venv", VENV_NOTECAST), ("binary", BINARY))}
    size_mb = BINARY.stat().st_size / 1e6
    table([
        ("B1 file size", f"{size_mb:.0f} MB", "-", "-", "-", True),
        ("B2 first start → /healthz 200 (unpacks)", f"{first:.2f} s", "-", "-", "-", True),
        ("B3 second start → /healthz 200", f"{second:.2f} s", "-", "-", "≤ 3 s", second <= 3),
        ("B4 make, medium note, wall ÷ audio", f"{rtf['binary']:.3f}", f"venv {rtf['venv']:.3f}",
         f"{rtf['binary'] / rtf['venv']:.2f}×", "≤ 1.1×", rtf["binary"] / rtf["venv"] <= 1.1),
    ])


if __name__ == "__main__":
    main()
