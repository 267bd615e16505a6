// The part of Next.js's `next/server` that docs/nextjs/route.ts uses, so the type check needs no Next.js install.
declare module "next/server" {
  export class NextResponse extends Response {
    static json(body: unknown, init?: ResponseInit): NextResponse;
  }
}
