import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface SlackPost {
  at: number;
  channel: string;
  text: string;
  blocks: any[];
  token: string | null;
  via: 'api' | 'webhook';
  /** Every field as received (form fields arrive as strings; blocks as a JSON string). */
  fields: Record<string, unknown>;
  /** Its ts (Web API posts). */
  ts?: string;
  /** How many times chat.update changed it. */
  edits?: number;
}

/** A scripted answer for the next call: an HTTP status with Retry-After, or a Slack error. */
export type SlackScript =
  | { status: number; retryAfter?: number }
  | { error: string }
  | { hang: true }
  | { delayMs: number }
  /** Answered normally (and recorded) once `until` settles: the test decides when a send lands. */
  | { until: Promise<unknown> };

/**
 * A local Slack that speaks the Web API's chat.postMessage (form or JSON body, bearer token,
 * `{ok, error}` answers, 429 with Retry-After; replies with `thread_ts`, `thread_not_found`
 * when the parent is gone), chat.update (`message_not_found`), and incoming webhooks (`POST /hooks/ID`,
 * "ok"). With `perChannelPerSecond`, a second message to a channel within a second draws a
 * 429 as Slack does.
 */
export class FakeSlack {
  readonly posts: SlackPost[] = [];
  /** Called with each message as it is recorded (the bench times arrivals with it). */
  onPost: ((p: SlackPost) => void) | null = null;
  readonly script: SlackScript[] = [];
  rateLimited = 0;
  /** 429s drawn, by channel. */
  readonly rateLimitedBy = new Map<string, number>();
  /** chat.update calls that changed a message. */
  readonly updates: Array<{ at: number; channel: string; ts: string; text: string; blocks: any[] }> = [];
  /** Messages by ts, as they are now; a deleted one is gone. */
  private readonly messages = new Map<string, SlackPost>();
  private seq = 0;
  /** Requests that reached the fake, answered or not. */
  received = 0;
  private readonly last = new Map<string, number>();
  /** chat.update is limited apart from posting (Tier 3); the fake holds it to 1 a second per channel. */
  private readonly lastEdit = new Map<string, number>();
  /** Users users.info reports as workspace admins. */
  readonly admins = new Set<string>();
  /** Channels conversations.info reports the bot as a member of. */
  readonly members = new Set<string>();
  /** E-mail addresses users.info reports, by user id (users:read.email). */
  readonly emails = new Map<string, string>();
  /** User groups' members, as usergroups.users.list reports them. */
  readonly groups = new Map<string, string[]>();
  /** Bot tokens Slack has revoked: every Web API call with one answers `token_revoked`. */
  readonly revoked = new Set<string>();
  /** The token's scopes, sent in every Web API answer's `x-oauth-scopes` header. */
  scopes = [
    'chat:write',
    'commands',
    'channels:read',
    'groups:read',
    'users:read',
    'users:read.email',
    'usergroups:read',
  ];
  /** Private channels (conversations.info `is_private`). */
  readonly privateChannels = new Set<string>();
  /** Channels conversations.info does not find (`channel_not_found`). */
  readonly unknownChannels = new Set<string>();
  /** Modals opened with views.open (the trigger id and the view). */
  readonly views: Array<{ trigger_id: string; view: any }> = [];
  /** Messages posted to response_url addresses (`/response/ID`). */
  readonly responses: Array<{ id: string; body: any }> = [];
  private server!: Server;
  private wss!: WebSocketServer;
  /** Socket Mode connections opened by apps (apps.connections.open, then the WebSocket). */
  readonly sockets = new Set<WebSocket>();
  private readonly acks = new Map<string, (payload: any) => void>();
  url = '';

  constructor(private readonly opts: { perChannelPerSecond?: boolean } = {}) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body, headers }) => {
        res.writeHead(status, {
          'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
          ...(req.url?.startsWith('/api/') ? { 'x-oauth-scopes': this.scopes.join(',') } : {}),
          ...headers,
        });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      });
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/socket' });
    this.wss.on('connection', (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { envelope_id: string; payload: any };
        this.acks.get(msg.envelope_id)?.(msg.payload);
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'fake' },
          connection_info: { app_id: 'A0APP' },
        }),
      );
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Sends a Socket Mode envelope to the connected app and resolves with its ack's payload. */
  envelope(type: string, payload: object): Promise<any> {
    const id = `env-${Math.random().toString(36).slice(2)}`;
    const acked = new Promise((resolve) => this.acks.set(id, resolve));
    for (const ws of this.sockets)
      ws.send(JSON.stringify({ envelope_id: id, type, payload, accepts_response_payload: true }));
    return acked;
  }

  get apiUrl() {
    return `${this.url}/api/`;
  }
  hookUrl(id: string) {
    return `${this.url}/hooks/${id}`;
  }
  responseUrl(id: string) {
    return `${this.url}/response/${id}`;
  }

  private async handle(
    req: IncomingMessage,
  ): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const raw = await new Promise<string>((r) => {
      let b = '';
      req.on('data', (c) => {
        b += c;
      });
      req.on('end', () => r(b));
    });
    const isJson = (req.headers['content-type'] ?? '').includes('json');
    const fields: Record<string, any> = isJson ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
    if (req.url?.startsWith('/response/')) {
      this.responses.push({ id: req.url.slice('/response/'.length), body: fields });
      return { status: 200, body: { ok: true } };
    }
    const bearer = req.headers.authorization?.replace(/^Bearer /, '') ?? String(fields.token ?? '');
    if (req.url?.startsWith('/api/') && this.revoked.has(bearer))
      return { status: 200, body: { ok: false, error: 'token_revoked' } };
    if (req.url === '/api/apps.connections.open') {
      return { status: 200, body: { ok: true, url: `${this.url.replace('http', 'ws')}/socket` } };
    }
    if (req.url === '/api/auth.test') {
      return {
        status: 200,
        body: {
          ok: true,
          url: 'https://callcenter.slack.com/',
          team: 'Call center',
          user: 'vcc-notify',
          team_id: 'T0TEAM',
          user_id: 'U0BOT',
          bot_id: 'B0BOT',
        },
      };
    }
    if (req.url === '/api/users.info') {
      const email = this.emails.get(String(fields.user));
      return {
        status: 200,
        body: {
          ok: true,
          user: {
            id: fields.user,
            is_admin: this.admins.has(String(fields.user)),
            is_owner: false,
            profile: email ? { email } : {},
          },
        },
      };
    }
    if (req.url === '/api/usergroups.users.list') {
      const users = this.groups.get(String(fields.usergroup));
      return { status: 200, body: users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' } };
    }
    if (req.url === '/api/views.open') {
      const view = typeof fields.view === 'string' ? JSON.parse(fields.view) : fields.view;
      this.views.push({ trigger_id: String(fields.trigger_id), view });
      return { status: 200, body: { ok: true, view: { id: `V${this.views.length}`, ...view } } };
    }
    if (req.url === '/api/conversations.info') {
      const id = String(fields.channel);
      if (this.unknownChannels.has(id)) return { status: 200, body: { ok: false, error: 'channel_not_found' } };
      const isPrivate = this.privateChannels.has(id);
      if (!this.scopes.includes(isPrivate ? 'groups:read' : 'channels:read'))
        return {
          status: 200,
          body: { ok: false, error: 'missing_scope', needed: isPrivate ? 'groups:read' : 'channels:read' },
        };
      return {
        status: 200,
        body: {
          ok: true,
          channel: { id, name: `chan-${id.toLowerCase()}`, is_private: isPrivate, is_member: this.members.has(id) },
        },
      };
    }
    const via = req.url?.startsWith('/hooks/') ? 'webhook' : 'api';
    if (req.url === '/api/chat.update') return this.update(fields);
    if (via === 'api' && req.url !== '/api/chat.postMessage')
      return { status: 404, body: { ok: false, error: 'unknown_method' } };
    const channel = via === 'webhook' ? req.url!.slice('/hooks/'.length) : String(fields.channel);
    this.received += 1;
    const scripted = this.script.shift();
    if (scripted && 'hang' in scripted) return new Promise(() => {});
    if (scripted && 'delayMs' in scripted) await new Promise((r) => setTimeout(r, scripted.delayMs));
    if (scripted && 'until' in scripted) await scripted.until.catch(() => {});
    if (scripted && 'status' in scripted) {
      if (scripted.status === 429) this.rateLimited += 1;
      return {
        status: scripted.status,
        body: via === 'webhook' ? 'rate_limited' : { ok: false, error: 'ratelimited' },
        headers: scripted.retryAfter !== undefined ? { 'retry-after': String(scripted.retryAfter) } : {},
      };
    }
    if (scripted && 'error' in scripted) {
      return via === 'webhook'
        ? { status: 404, body: scripted.error }
        : { status: 200, body: { ok: false, error: scripted.error } };
    }
    const now = Date.now();
    if (this.opts.perChannelPerSecond && now - (this.last.get(channel) ?? 0) < 1000) return this.limited(channel);
    this.last.set(channel, now);
    if (fields.thread_ts !== undefined && !this.messages.has(String(fields.thread_ts)))
      return { status: 200, body: { ok: false, error: 'thread_not_found' } };
    const blocks = typeof fields.blocks === 'string' ? JSON.parse(fields.blocks) : (fields.blocks ?? []);
    const invalid = blockProblem(blocks);
    if (invalid)
      return via === 'webhook'
        ? { status: 400, body: 'invalid_blocks' }
        : { status: 200, body: { ok: false, error: 'invalid_blocks', errors: [invalid] } };
    const auth = req.headers.authorization ?? null;
    const post: SlackPost = {
      at: now,
      channel,
      text: String(fields.text ?? ''),
      blocks,
      token: auth?.replace(/^Bearer /, '') ?? null,
      via,
      fields,
    };
    this.seq += 1;
    const ts = `${Math.floor(now / 1000)}.${String(this.seq).padStart(6, '0')}`;
    post.ts = ts;
    this.posts.push(post);
    this.messages.set(ts, post);
    this.onPost?.(post);
    return via === 'webhook' ? { status: 200, body: 'ok' } : { status: 200, body: { ok: true, channel, ts } };
  }

  /** chat.update: replaces a message's text and blocks by channel and ts; at most one a second per channel. */
  private update(fields: Record<string, any>): { status: number; body: unknown; headers?: Record<string, string> } {
    const channel = String(fields.channel);
    const now = Date.now();
    if (this.opts.perChannelPerSecond && now - (this.lastEdit.get(channel) ?? 0) < 1000) return this.limited(channel);
    this.lastEdit.set(channel, now);
    const target = this.messages.get(String(fields.ts));
    if (!target || target.channel !== channel) return { status: 200, body: { ok: false, error: 'message_not_found' } };
    const blocks = typeof fields.blocks === 'string' ? JSON.parse(fields.blocks) : (fields.blocks ?? []);
    const invalid = blockProblem(blocks);
    if (invalid) return { status: 200, body: { ok: false, error: 'invalid_blocks', errors: [invalid] } };
    Object.assign(target, { text: String(fields.text ?? ''), blocks, edits: (target.edits ?? 0) + 1 });
    this.updates.push({ at: now, channel, ts: String(fields.ts), text: target.text, blocks });
    return { status: 200, body: { ok: true, channel, ts: fields.ts } };
  }

  /** A 429 as Slack answers one, counted. */
  private limited(channel: string) {
    this.rateLimited += 1;
    this.rateLimitedBy.set(channel, (this.rateLimitedBy.get(channel) ?? 0) + 1);
    return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '1' } };
  }

  /** Deletes a message as a person would in Slack: replies to it and edits of it then fail. */
  deleteMessage(ts: string): void {
    this.messages.delete(ts);
  }

  /** Top-level messages (not replies in a thread), in order, as they are now (edits applied). */
  get topLevel(): SlackPost[] {
    return this.posts.filter((p) => p.via === 'api' && p.fields.thread_ts === undefined);
  }

  /** Replies in the thread of `ts`, in order. */
  repliesTo(ts: string): SlackPost[] {
    return this.posts.filter((p) => p.fields.thread_ts === ts);
  }

  async stop() {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

/**
 * The Block Kit rules Slack enforces that our payloads come near: at most 50 blocks; a header's
 * text is plain_text of at most 150 characters; section text at most 3000
 * (https://api.slack.com/reference/block-kit/blocks).
 */
function blockProblem(blocks: any[]): string | null {
  if (!Array.isArray(blocks) || blocks.length > 50) return 'blocks: at most 50';
  for (const [i, b] of blocks.entries()) {
    if (
      b.type === 'header' &&
      (b.text?.type !== 'plain_text' ||
        typeof b.text.text !== 'string' ||
        b.text.text.length === 0 ||
        b.text.text.length > 150)
    ) {
      return `blocks[${i}]: header text must be plain_text of 1-150 characters`;
    }
    if (b.type === 'section' && b.text && (typeof b.text.text !== 'string' || b.text.text.length > 3000))
      return `blocks[${i}]: section text over 3000`;
  }
  return null;
}
