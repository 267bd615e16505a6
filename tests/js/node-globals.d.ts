// `process.env`, as Next.js provides it on the server (no @types/node needed for the check).
declare const process: { env: Record<string, string | undefined> };
