import { Agent, fetch } from 'undici';
import { readFileSync } from 'node:fs';

/** Where a walk through a sign-in ended: the last answer, the service's session cookie if it set one. */
export interface Walked {
  status: number;
  body: string;
  url: string;
  session: string | null;
}

/**
 * Signs in as a browser would, with fetch: from the service's "Sign in" link through the
 * provider's own login and consent forms (filled as `login`) and back to the service's
 * callback, keeping each origin's cookies and following redirects by hand. It trusts the
 * test's CA (`caFile`) and nothing else. `stopAt` ends the walk at the callback's address
 * without requesting it (to forge or replay it).
 */
export async function signInWalk(
  serviceUrl: string,
  caFile: string,
  login: string,
  opts: { stopAtCallback?: boolean } = {},
): Promise<Walked> {
  const dispatcher = new Agent({ connect: { ca: readFileSync(caFile) } });
  const jar = new Map<string, Map<string, string>>();
  const go = async (url: string, init: { method?: string; body?: string } = {}) => {
    const origin = new URL(url).origin;
    const cookies = jar.get(origin) ?? new Map<string, string>();
    jar.set(origin, cookies);
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      dispatcher,
      headers: {
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(init.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return { res, body: await res.text() };
  };
  let url = `${serviceUrl}/admin/login/oidc`;
  let step = await go(url);
  for (let hops = 0; hops < 20; hops++) {
    const location = step.res.headers.get('location');
    if (location) {
      url = new URL(location, url).href;
      if (opts.stopAtCallback && url.startsWith(`${serviceUrl}/admin/callback`))
        return { status: 0, body: '', url, session: null };
      step = await go(url);
      continue;
    }
    const form = /<form[^>]*action="([^"]+)"[^>]*method="post"/.exec(step.body);
    if (!form || url.startsWith(serviceUrl)) break;
    const fields = new URLSearchParams();
    for (const m of step.body.matchAll(/<input[^>]*name="([^"]+)"(?:[^>]*value="([^"]*)")?/g))
      fields.set(m[1]!, m[2] ?? '');
    if (fields.has('login')) {
      fields.set('login', login);
      fields.set('password', 'any password');
    }
    url = new URL(form[1]!.replace(/&amp;/g, '&'), url).href;
    step = await go(url, { method: 'POST', body: fields.toString() });
  }
  const session = jar.get(new URL(serviceUrl).origin)?.get('vcc_notify_admin') ?? null;
  return { status: step.res.status, body: step.body, url, session: session || null };
}
