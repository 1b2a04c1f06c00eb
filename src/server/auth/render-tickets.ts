import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { Principal } from './roles.js';

/**
 * PDFs are rendered by a headless browser fetching the page from this server, which cannot
 * carry the user's session cookie. The request that asks for a PDF gets a render ticket instead:
 * 256 random bits, single use, valid for TICKET_MS, bound to one path and to the principal who
 * asked (so the page it renders is scoped exactly as theirs). The browser fetches
 * /_render/TICKET/path; `wrapFetch` turns that into path + an X-Gpnet-Render-Ticket header.
 */
export const TICKET_MS = 60_000;
const PREFIX = /^\/_render\/([A-Za-z0-9_-]{43})(\/.*)$/;

export const currentPrincipal = new AsyncLocalStorage<Principal>();

export class RenderTickets {
  private readonly tickets = new Map<string, { principal: Principal; path: string; expires: number }>();

  /** The path the renderer should fetch, for the principal of the request being served. */
  pathFor(path: string): string {
    const principal = currentPrincipal.getStore();
    if (!principal) return path;
    const id = randomBytes(32).toString('base64url');
    const now = Date.now();
    for (const [k, t] of this.tickets) if (t.expires < now) this.tickets.delete(k);
    this.tickets.set(id, { principal, path: path.split('?')[0]!, expires: now + TICKET_MS });
    return `/_render/${id}${path}`;
  }

  consume(ticket: string | undefined, path: string): Principal | null {
    if (!ticket) return null;
    const t = this.tickets.get(ticket);
    if (!t) return null;
    this.tickets.delete(ticket);
    return t.expires >= Date.now() && t.path === path ? t.principal : null;
  }

  wrapFetch<E>(fetch: (req: Request, env: E) => Response | Promise<Response>): (req: Request, env: E) => Response | Promise<Response> {
    return (req, env) => {
      const url = new URL(req.url);
      const m = PREFIX.exec(url.pathname);
      if (!m) {
        if (req.headers.has('x-gpnet-render-ticket')) {
          const headers = new Headers(req.headers);
          headers.delete('x-gpnet-render-ticket');
          return fetch(new Request(req, { headers }), env);
        }
        return fetch(req, env);
      }
      url.pathname = m[2]!;
      const headers = new Headers(req.headers);
      headers.set('x-gpnet-render-ticket', m[1]!);
      return fetch(new Request(url, { method: req.method, headers }), env);
    };
  }
}
