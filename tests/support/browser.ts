/**
 * Just enough of a browser for protocol tests: a cookie jar and redirects followed by hand, so a test sees
 * every hop (and stops at the e-service's redirect URI, which no server answers in tests).
 */
export class TestBrowser {
  private readonly cookies = new Map<string, string>();

  /** Follows redirects from `url` until a page answers, or until a URL starting with `stopAt` is reached. */
  async navigate(
    url: string,
    options: { stopAt?: string; method?: string; body?: URLSearchParams } = {},
  ): Promise<Visit> {
    let current = url;
    let method = options.method ?? 'GET';
    let body: URLSearchParams | undefined = options.body;
    for (let hops = 0; hops < 20; hops++) {
      if (options.stopAt && current.startsWith(options.stopAt)) return { url: current, status: 0, text: '' };
      const response = await fetch(current, {
        method,
        redirect: 'manual',
        headers: {
          cookie: this.cookieHeader(),
          ...(body && { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        ...(body && { body }),
      });
      this.remember(response);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        current = new URL(location, current).toString();
        method = 'GET';
        body = undefined;
        continue;
      }
      return { url: current, status: response.status, text: await response.text() };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

export interface Visit {
  readonly url: string;
  /** 0 when stopped at `stopAt` without a request. */
  readonly status: number;
  readonly text: string;
}
