import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Google's error body (https://cloud.google.com/apis/design/errors#http_mapping). */
const googleError = (code: number, status: string, message: string) => ({ error: { code, message, status } });

/**
 * A local Google Chat API endpoint for incoming webhooks:
 * `POST /v1/spaces/SPACE/messages?key=KEY&token=TOKEN`. It checks the key and token (403),
 * the space (404 NOT_FOUND for an unknown one), the body (400 INVALID_ARGUMENT unless it has
 * `text` or well-formed `cardsV2`: a header title and sections that each hold widgets), and
 * Chat's per-space write quota of one message a second (429 RESOURCE_EXHAUSTED); it answers
 * 200 with the created message. `script` queues other answers (e.g. 500, 404).
 */
export class FakeGoogleChat {
  readonly posts: Array<{ at: number; space: string; body: any; raw: string; replyOption: string | null }> = [];
  /** Threads by `SPACE/threadKey`: the thread a key's first message started. */
  readonly threads = new Map<string, string>();
  readonly script: Array<{ status: number; retryAfter?: number }> = [];
  rateLimited = 0;
  private readonly last = new Map<string, number>();
  private server!: Server;
  private base = '';

  constructor(
    private readonly spaces: readonly string[] = ['AAAAhr', 'AAAAops'],
    private readonly key = 'fake-key-0001',
    private readonly token = 'fake-token-0001',
  ) {}

  /** The incoming webhook URL of a space, as Chat shows it in "Apps & integrations". */
  urlFor(space: string): string {
    return `${this.base}/v1/spaces/${space}/messages?key=${this.key}&token=${this.token}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const c of req) raw += c;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res
        .writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers })
        .end(JSON.stringify(body));
    const url = new URL(req.url ?? '/', this.base);
    const m = /^\/v1\/spaces\/([^/]+)\/messages$/.exec(url.pathname);
    if (req.method !== 'POST' || !m) return send(404, googleError(404, 'NOT_FOUND', 'Requested entity was not found.'));
    const space = m[1]!;
    if (url.searchParams.get('key') !== this.key || url.searchParams.get('token') !== this.token) {
      return send(403, googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission'));
    }
    if (!this.spaces.includes(space))
      return send(404, googleError(404, 'NOT_FOUND', 'Requested entity was not found.'));
    const scripted = this.script.shift();
    if (scripted) {
      if (scripted.status === 429) this.rateLimited += 1;
      return send(
        scripted.status,
        googleError(scripted.status, scripted.status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL', 'scripted'),
        scripted.retryAfter !== undefined ? { 'retry-after': String(scripted.retryAfter) } : {},
      );
    }
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      return send(400, googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'));
    }
    const cardsOk =
      Array.isArray(body.cardsV2) &&
      body.cardsV2.every(
        (c: any) =>
          typeof c?.card?.header?.title === 'string' &&
          Array.isArray(c.card.sections) &&
          c.card.sections.length > 0 &&
          c.card.sections.every((s: any) => Array.isArray(s.widgets) && s.widgets.length > 0),
      );
    if (typeof body.text !== 'string' && !cardsOk)
      return send(400, googleError(400, 'INVALID_ARGUMENT', 'Message cannot be empty.'));
    if (body.cardsV2 !== undefined && !cardsOk)
      return send(400, googleError(400, 'INVALID_ARGUMENT', 'Invalid cardsV2.'));
    const now = Date.now();
    if (now - (this.last.get(space) ?? 0) < 1000) {
      this.rateLimited += 1;
      return send(429, googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'));
    }
    this.last.set(space, now);
    this.posts.push({ at: now, space, body, raw, replyOption: url.searchParams.get('messageReplyOption') });
    // A threadKey names a thread in the space: the first message with it starts the thread.
    const key = typeof body.thread?.threadKey === 'string' ? body.thread.threadKey : null;
    const thread =
      key === null ? `t${this.posts.length}` : (this.threads.get(`${space}/${key}`) ?? `t${this.posts.length}`);
    if (key !== null) this.threads.set(`${space}/${key}`, thread);
    return send(200, {
      name: `spaces/${space}/messages/${this.posts.length}`,
      text: body.text ?? '',
      createTime: new Date(now).toISOString(),
      thread: { name: `spaces/${space}/threads/${thread}`, ...(key !== null ? { threadKey: key } : {}) },
    });
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}
