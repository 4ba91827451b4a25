import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local Bot Framework connector (the `serviceUrl` of a Teams conversation): takes
 * `POST /v3/conversations/{id}/activities[/{replyTo}]` (a post, or a reply in a thread) and
 * `PUT .../activities/{id}` (an update), answering `{ id }` as the real one does, and 404 for
 * a reply to or an update of an activity that was deleted (`deleted.add(id)`); `script`
 * queues other statuses (429 with Retry-After, 502 ...). `GET /v3/conversations/{id}/members/{user}`
 * answers a member of `members` (by Bot Framework id or Entra object id), else 404.
 */
export class FakeBotConnector {
  readonly activities: Array<{ at: number; conversation: string; replyTo: string | null; activity: any }> = [];
  readonly script: Array<{ status: number; retryAfter?: number }> = [];
  /** `PUT /v3/conversations/{id}/activities/{activityId}`: updates of a posted activity. */
  readonly updates: Array<{ at: number; conversation: string; id: string; activity: any }> = [];
  /** Posted activities as they are now, by id. */
  readonly live = new Map<string, any>();
  /** Activities deleted (as a person would in Teams): a reply to one or an update of one is 404. */
  readonly deleted = new Set<string>();
  /** The members a lookup finds (TeamsChannelAccount: id, name, aadObjectId, email, userPrincipalName). */
  readonly members: Array<{
    id: string;
    name: string;
    aadObjectId: string;
    email?: string;
    userPrincipalName?: string;
  }> = [];
  /** The bot's credentials the token endpoint accepts (`POST /TENANT/oauth2/v2.0/token`). */
  credentials: { id: string; secret: string; tenant?: string } | null = null;
  /** Tokens it issued; a members listing needs one (when credentials are set). */
  readonly tokens = new Set<string>();
  /** Conversations the connector knows with the bot in them (`GET /v3/conversations/{id}/members`). */
  readonly conversations = new Set<string>();
  /** Member lookups made: [conversation, user]. */
  readonly lookups: Array<[string, string]> = [];
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        if (this.identity(req.method, req.url ?? '', raw, req.headers.authorization, res)) return;
        const member = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(req.url ?? '');
        if (member && req.method === 'GET') {
          const [conv, user] = [decodeURIComponent(member[1]!), decodeURIComponent(member[2]!)];
          this.lookups.push([conv, user]);
          const found = this.members.find((x) => x.id === user || x.aadObjectId === user);
          res
            .writeHead(found ? 200 : 404, { 'content-type': 'application/json' })
            .end(JSON.stringify(found ?? { error: { code: 'MemberNotFoundInConversation' } }));
          return;
        }
        const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
        const id = m?.[2] ? decodeURIComponent(m[2]) : null;
        const gone = id !== null && (this.deleted.has(id) || (req.method === 'PUT' && !this.live.has(id)));
        if (!m || (req.method !== 'POST' && !(req.method === 'PUT' && id)) || gone) {
          // A reply to or an update of a deleted (or unknown) activity: 404, as the connector answers.
          res
            .writeHead(404, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: { code: 'NotFound' } }));
          return;
        }
        const s = this.script.shift();
        if (s) {
          res
            .writeHead(s.status, {
              'content-type': 'application/json',
              ...(s.retryAfter !== undefined ? { 'retry-after': String(s.retryAfter) } : {}),
            })
            .end(JSON.stringify({ error: { code: 'Throttled', message: 'scripted' } }));
          return;
        }
        const record = { at: Date.now(), conversation: decodeURIComponent(m[1]!), activity: JSON.parse(raw) };
        if (req.method === 'PUT') {
          this.updates.push({ ...record, id: id! });
          this.live.set(id!, record.activity);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
          return;
        }
        this.activities.push({ ...record, replyTo: id });
        const created = `activity-${this.activities.length}`;
        this.live.set(created, record.activity);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: created }));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  /**
   * The Microsoft identity platform's client-credentials token endpoint (AADSTS7000215 for a
   * wrong secret, AADSTS700016 for an unknown app) and the members listing of a conversation
   * (404 unless it is in `conversations`; 401 without a token it issued). True when answered.
   */
  private identity(
    method: string | undefined,
    url: string,
    raw: string,
    auth: string | undefined,
    res: ServerResponse,
  ): boolean {
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url);
    if (token && method === 'POST') {
      const f = new URLSearchParams(raw);
      const c = this.credentials;
      const tenantOk = !c?.tenant || decodeURIComponent(token[1]!) === c.tenant;
      if (!c || f.get('client_id') !== c.id || !tenantOk)
        json(400, {
          error: 'unauthorized_client',
          error_description: `AADSTS700016: Application with identifier '${f.get('client_id')}' was not found in the directory. Trace ID: x`,
        });
      else if (f.get('client_secret') !== c.secret || f.get('grant_type') !== 'client_credentials')
        json(401, {
          error: 'invalid_client',
          error_description:
            'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value. Trace ID: x',
        });
      else {
        const issued = `token-${this.tokens.size + 1}`;
        this.tokens.add(issued);
        json(200, { token_type: 'Bearer', expires_in: 3599, access_token: issued });
      }
      return true;
    }
    const members = /^\/v3\/conversations\/([^/]+)\/members$/.exec(url);
    if (members && method === 'GET') {
      if (this.credentials && !this.tokens.has(auth?.replace(/^Bearer /, '') ?? ''))
        json(401, { message: 'Authorization has been denied for this request.' });
      else if (!this.conversations.has(decodeURIComponent(members[1]!)))
        json(404, { error: { code: 'ConversationNotFound' } });
      else json(200, this.members);
      return true;
    }
    return false;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

/** A Teams activity as the Bot Framework service would post it to /api/messages. */
export function teamsActivity(serviceUrl: string, conversationId: string, over: Record<string, unknown> = {}) {
  return {
    type: 'message',
    id: `in-${Math.random().toString(36).slice(2)}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:user-1', name: 'Supervisor Sue', aadObjectId: '00000000-0000-0000-0000-000000000001' },
    recipient: { id: '28:vcc-notify-bot', name: 'vcc-notify' },
    conversation: { id: conversationId, conversationType: 'channel', isGroup: true, name: 'Ops room' },
    channelData: { tenant: { id: 'tenant-1' }, team: { id: '19:team@thread.tacv2' }, channel: { id: conversationId } },
    ...over,
  };
}
