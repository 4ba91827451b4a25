import test from 'ava';
import { ErrorCode, type WebAPICallError } from '@slack/web-api';
import { classifySlackError } from '../src/platforms/slack/webApi.ts';
import { classifyTeamsError } from '../src/platforms/teams/botAdapter.ts';
import { classifyHttp } from '../src/platforms/httpOutcome.ts';
import type { SendOutcome } from '../src/delivery/Adapter.ts';

// Adapters classify, the worker decides: each platform's answers and what they come to.

const platformError = (error: string) =>
  ({ code: ErrorCode.PlatformError, data: { ok: false, error }, message: error }) as unknown as WebAPICallError;

const slackCases: Array<[string, WebAPICallError, SendOutcome]> = [
  [
    'rate limited: retry after Slack says',
    { code: ErrorCode.RateLimitedError, retryAfter: 3, message: '' } as unknown as WebAPICallError,
    { status: 'retry', reason: 'Slack rate limited (429)', retryAfterMs: 3000, rateLimited: true },
  ],
  [
    'bot not in channel: permanent with the fix',
    platformError('not_in_channel'),
    { status: 'permanent', reason: 'Slack: not_in_channel (invite the bot: /invite @vcc-notify)' },
  ],
  ['revoked token: permanent', platformError('token_revoked'), { status: 'permanent', reason: 'Slack: token_revoked' }],
  [
    'reply to a deleted root: root gone',
    platformError('thread_not_found'),
    { status: 'permanent', reason: 'Slack: thread_not_found', rootGone: true },
  ],
  [
    'edit of a deleted root: root gone',
    platformError('message_not_found'),
    { status: 'permanent', reason: 'Slack: message_not_found', rootGone: true },
  ],
  ['an unknown error: retry', platformError('fatal_error'), { status: 'retry', reason: 'Slack: fatal_error' }],
  [
    'HTTP 503: retry',
    { code: ErrorCode.HTTPError, statusCode: 503, message: '' } as unknown as WebAPICallError,
    { status: 'retry', reason: 'Slack HTTP 503' },
  ],
  [
    'HTTP 404: permanent',
    { code: ErrorCode.HTTPError, statusCode: 404, message: '' } as unknown as WebAPICallError,
    { status: 'permanent', reason: 'Slack HTTP 404' },
  ],
  [
    'unreachable: retry',
    { code: ErrorCode.RequestError, original: { name: 'ECONNREFUSED' }, message: '' } as unknown as WebAPICallError,
    { status: 'retry', reason: 'Slack unreachable: ECONNREFUSED' },
  ],
];
for (const [name, error, expected] of slackCases)
  test(`slack: ${name}`, (t) => t.deepEqual(classifySlackError(error), expected));

const headers = (retryAfter?: string) => ({
  headers: { get: (n: string) => (n === 'retry-after' ? retryAfter : undefined) },
});
const teamsCases: Array<[string, unknown, boolean, SendOutcome]> = [
  [
    '429 with Retry-After: retry',
    { statusCode: 429, response: headers('2'), message: '' },
    false,
    { status: 'retry', reason: 'Teams connector answered HTTP 429', retryAfterMs: 2000, rateLimited: true },
  ],
  [
    '412: retry',
    { statusCode: 412, message: '' },
    false,
    { status: 'retry', reason: 'Teams connector answered HTTP 412', rateLimited: false },
  ],
  [
    '403: permanent',
    { statusCode: 403, message: '' },
    false,
    { status: 'permanent', reason: 'Teams connector answered HTTP 403' },
  ],
  [
    '404 on a post: permanent',
    { statusCode: 404, message: '' },
    false,
    { status: 'permanent', reason: 'Teams connector answered HTTP 404' },
  ],
  [
    '404 on a reply or an edit: root gone',
    { statusCode: 404, message: '' },
    true,
    { status: 'permanent', reason: 'Teams connector answered HTTP 404', rootGone: true },
  ],
  [
    'no answer: retry',
    { code: 'ECONNRESET', message: 'socket hang up' },
    false,
    { status: 'retry', reason: 'Teams unreachable: ECONNRESET' },
  ],
  // The Agents SDK's HttpError: `status`, and fetch's Headers (null for a missing header).
  [
    'agents 429 with Retry-After: retry',
    { status: 429, response: { headers: new Headers({ 'retry-after': '3' }) }, message: '' },
    false,
    { status: 'retry', reason: 'Teams connector answered HTTP 429', retryAfterMs: 3000, rateLimited: true },
  ],
  [
    'agents 502 without Retry-After: retry',
    { status: 502, response: { headers: new Headers() }, message: '' },
    false,
    { status: 'retry', reason: 'Teams connector answered HTTP 502', rateLimited: false },
  ],
  [
    'agents 404 on a reply: root gone',
    { status: 404, response: { headers: new Headers() }, message: '' },
    true,
    { status: 'permanent', reason: 'Teams connector answered HTTP 404', rootGone: true },
  ],
  [
    "agents no answer (fetch failed): retry, with the cause's code",
    Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
    false,
    { status: 'retry', reason: 'Teams unreachable: ECONNREFUSED' },
  ],
];
for (const [name, error, threaded, expected] of teamsCases)
  test(`teams: ${name}`, (t) => t.deepEqual(classifyTeamsError(error, threaded), expected));

const httpCases: Array<[string, number, string | null, SendOutcome]> = [
  ['200: sent', 200, null, { status: 'sent' }],
  ['202 (a Workflow took it): sent', 202, null, { status: 'sent' }],
  [
    '429 with seconds: retry',
    429,
    '5',
    { status: 'retry', reason: 'Chat answered HTTP 429', retryAfterMs: 5000, rateLimited: true },
  ],
  ['500: retry', 500, null, { status: 'retry', reason: 'Chat answered HTTP 500', rateLimited: false }],
  ['408: retry', 408, null, { status: 'retry', reason: 'Chat answered HTTP 408', rateLimited: false }],
  ['400: permanent', 400, null, { status: 'permanent', reason: 'Chat answered HTTP 400' }],
  ['404: permanent', 404, null, { status: 'permanent', reason: 'Chat answered HTTP 404' }],
];
for (const [name, status, after, expected] of httpCases)
  test(`http: ${name}`, (t) => t.deepEqual(classifyHttp(status, after, '', 'Chat', 0), expected));
