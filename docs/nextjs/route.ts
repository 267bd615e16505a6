// app/api/podcast/route.ts in a Next.js app: the seed's route handler, adapted to Notecast and typed from
// notecast-api.d.ts (copy docs/notecast-api.d.ts into the app, e.g. as lib/notecast-api.d.ts).
import { NextResponse } from "next/server";

import type { components } from "../notecast-api";

type NoteSubmission = components["schemas"]["NoteSubmission"];
type EnqueueResponse = components["schemas"]["EnqueueResponse"];
type JobResponse = components["schemas"]["JobResponse"];
type ErrorResponse = components["schemas"]["ErrorResponse"];

const NOTECAST_URL = process.env.NOTECAST_URL ?? "http://localhost:3005";
const NOTECAST_API_KEY = process.env.NOTECAST_API_KEY ?? "";

// Queue a note; answers at once with the jobId to poll.
export async function POST(request: Request): Promise<Response> {
  const submission = (await request.json()) as NoteSubmission;
  const response = await fetch(`${NOTECAST_URL}/api/podcast/generate/async`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": NOTECAST_API_KEY,
      // Pass the browser's key through, so a retried or double-clicked submit makes one job.
      "idempotency-key": request.headers.get("idempotency-key") ?? crypto.randomUUID(),
    },
    body: JSON.stringify(submission),
  });
  const answer = (await response.json()) as EnqueueResponse | ErrorResponse;
  const retryAfter = response.headers.get("retry-after"); // on a 429: when to try again
  return NextResponse.json(answer, {
    status: response.status,
    headers: retryAfter ? { "retry-after": retryAfter } : undefined,
  });
}

// Poll a job: status, progress (0-100), currentStep, etaSeconds; audioUrl and transcript once completed.
export async function GET(request: Request): Promise<Response> {
  const jobId = new URL(request.url).searchParams.get("jobId");
  if (!jobId) {
    const missing: ErrorResponse = { success: false, error: "jobId is required" };
    return NextResponse.json(missing, { status: 400 });
  }
  const response = await fetch(`${NOTECAST_URL}/api/podcast/jobs/${encodeURIComponent(jobId)}`, {
    headers: { "x-api-key": NOTECAST_API_KEY },
    cache: "no-store",
  });
  const answer = (await response.json()) as JobResponse | ErrorResponse;
  if (answer.success && answer.job.status === "completed") {
    console.log(`episode ${answer.job.podcastId}: ${answer.job.audioUrl} (${answer.job.audioDuration} s)`);
  }
  return NextResponse.json(answer, { status: response.status });
}
