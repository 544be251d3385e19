import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An e-service's back-channel logout endpoint: collects the `logout_token`s posted to it, answering 500 to the
 * first `failures` requests as a receiver that is down would.
 */
export class LogoutReceiver {
  readonly tokens: string[] = [];
  attempts = 0;

  private constructor(
    private readonly server: Server,
    readonly uri: string,
    private failures: number,
  ) {}

  static async start(failures = 0): Promise<LogoutReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const receiver = new LogoutReceiver(server, `http://127.0.0.1:${port}/backchannel-logout`, failures);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => receiver.take(req, body, res));
    });
    return receiver;
  }

  private take(req: IncomingMessage, body: string, res: ServerResponse): void {
    this.attempts += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      res.writeHead(500).end();
      return;
    }
    const token = new URLSearchParams(body).get('logout_token');
    if (req.headers['content-type'] === 'application/x-www-form-urlencoded' && token) this.tokens.push(token);
    res.writeHead(200, { 'cache-control': 'no-store' }).end();
  }

  /** The receiver is back up: it takes whatever comes next. */
  recover(): void {
    this.failures = 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
