/**
 * The base URL people use to reach this system (mail links, the OIDC callback, set-password links):
 * PUBLIC_URL when configured, else the address the server really listens on, port included, known
 * only once it listens (HTTP_PORT=0 picks a free port). A process that serves no HTTP (a worker) and
 * has no PUBLIC_URL falls back to the configured host and port.
 */
export class PublicUrl {
  private listening: string | null = null;

  constructor(
    private readonly configured: string | undefined,
    private readonly fallback: { host: string; port: number },
  ) {}

  /** Called by the runtime once the server listens. */
  listeningAt(url: string): void {
    this.listening = url;
  }

  /** The base URL without a trailing slash. */
  get(): string {
    if (this.configured) return this.configured.replace(/\/+$/, '');
    if (this.listening) return this.listening;
    const host = this.fallback.host.includes(':') ? `[${this.fallback.host}]` : this.fallback.host;
    return `http://${host}:${String(this.fallback.port)}`;
  }
}
