"""The worker process: one heap shared by its threads, free pages given back after each job, and Ctrl-C left to
the server."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

# Counts glibc's heaps after four threads have each allocated, as malloc_info reports them.
_COUNT_HEAPS = textwrap.dedent("""
    import ctypes, sys, threading
    from pipeline.jobs import runner
    if sys.argv[1] == "worker":
        runner._prepare_process()  # as the worker starts, with its own parent-watch thread
    libc = ctypes.CDLL("libc.so.6")

    def allocate():
        for _ in range(200):
            bytearray(1 << 20)

    threads = [threading.Thread(target=allocate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    buffer, size = ctypes.c_char_p(), ctypes.c_size_t()
    libc.open_memstream.restype = ctypes.c_void_p
    stream = libc.open_memstream(ctypes.byref(buffer), ctypes.byref(size))
    libc.malloc_info(0, ctypes.c_void_p(stream))
    libc.fclose(ctypes.c_void_p(stream))
    print(buffer.value.decode().count("<heap nr="))
""")


def _heaps(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", _COUNT_HEAPS, mode], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=True)
    return int(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc arenas are Linux-only")
def test_the_worker_threads_share_one_heap() -> None:
    # each voice thread would otherwise keep the high-water mark of the engine passes it ran, in a heap of its own
    assert _heaps("plain") > 1
    assert _heaps("worker") == 1


# The resident set (MB) after 200 MB of small blocks were freed under a block that pins the heap's top.
_RESIDENT_AFTER_FREEING = textwrap.dedent("""
    import sys
    from pipeline.jobs import runner

    def resident():
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))

    blocks = [bytes(2000) for _ in range(100_000)]
    pin = bytes(2000)
    del blocks
    if sys.argv[1] == "after a job":
        runner._return_free_memory()
    print(resident())
""")


def _resident(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", _RESIDENT_AFTER_FREEING, mode], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True)
    return int(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_after_a_job_the_worker_gives_its_free_memory_back() -> None:
    held, returned = _resident("plain"), _resident("after a job")
    assert held - returned > 100, (held, returned)


_CTRL_C = textwrap.dedent("""
    import signal, sys
    from pipeline.jobs import runner
    if sys.argv[1] == "worker":
        runner._prepare_process()
    signal.raise_signal(signal.SIGINT)  # what Ctrl-C in a terminal sends every process of the group
    print("still running")
""")


def test_ctrl_c_in_a_terminal_leaves_the_worker_to_be_stopped_by_the_server() -> None:
    plain = subprocess.run([sys.executable, "-c", _CTRL_C, "plain"], cwd=ROOT, capture_output=True, text=True,
                           timeout=60)
    assert plain.returncode != 0 and "KeyboardInterrupt" in plain.stderr
    worker = subprocess.run([sys.executable, "-c", _CTRL_C, "worker"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert worker.returncode == 0 and worker.stdout == "still running\n", worker.stderr
