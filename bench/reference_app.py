"""The ceiling for the API benchmarks: bare FastAPI + uvicorn answering a constant JSON body.

Usage: python bench/reference_app.py PORT BODY_FILE
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import Response

BODY = Path(sys.argv[2]).read_bytes()
app = FastAPI()


@app.get("/ref")
async def constant() -> Response:
    """The same bytes every time."""
    return Response(BODY, media_type="application/json")


@app.post("/ref")
async def constant_post(request: Request) -> Response:
    """Reads the body like a real handler would, then answers the same bytes."""
    await request.body()
    return Response(BODY, status_code=202, media_type="application/json")


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
