/** A parsed HTTP answer. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  key?: string;
  body?: unknown;
  /** Sent as-is instead of JSON.stringify(body). */
  raw?: string;
  headers?: Record<string, string>;
}

/** Calls the API like a client would; JSON answers are parsed, anything else kept as text. */
export async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let payload: string | undefined = options.raw;
  if (payload === undefined && options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, body: payload });
  const text = await response.text();
  let body: unknown = text;
  // JSON and `+json` types only: NDJSON (`application/x-ndjson`) is many documents, kept as text.
  const type = response.headers.get('content-type') ?? '';
  if (/^application\/(?:[\w.-]+\+)?json(?:;|$)/.test(type)) body = text ? JSON.parse(text) : null;
  return { status: response.status, headers: response.headers, body: body as T, text };
}
