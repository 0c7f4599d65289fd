import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/**
 * A browser-like client over app.inject(): it keeps cookies, and posts forms
 * with the CSRF token of the page it last read, as a person's browser would.
 */
export class TestClient {
  readonly cookies = new Map<string, string>();
  private csrf = '';
  last: LightMyRequestResponse | null = null;

  constructor(
    private readonly app: FastifyInstance,
    private readonly headers: Record<string, string> = {},
  ) {}

  private remember(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of res.cookies) {
      const c = cookie as { name: string; value: string; maxAge?: number; expires?: Date };
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now()))
        this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token) this.csrf = token;
    this.last = res;
    return res;
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.remember(
      await this.app.inject({
        method: 'GET',
        url,
        headers: this.headers,
        cookies: Object.fromEntries(this.cookies),
      }),
    );
  }

  /** Posts a form; reads `page` first, when given, to pick up its token. */
  async post(
    url: string,
    fields: Record<string, string | string[]>,
    options: { from?: string; csrf?: string | null } = {},
  ): Promise<LightMyRequestResponse> {
    if (options.from) await this.get(options.from);
    const body = new URLSearchParams();
    const token = options.csrf === undefined ? this.csrf : options.csrf;
    if (token !== null) body.append('_csrf', token);
    for (const [key, value] of Object.entries(fields)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    }
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { ...this.headers, 'content-type': 'application/x-www-form-urlencoded' },
        cookies: Object.fromEntries(this.cookies),
        payload: body.toString(),
      }),
    );
  }
}
