// The part of XMLHttpRequest that dicomweb-client 0.11 uses, over Node's fetch. dicomweb-client speaks only
// XMLHttpRequest, which Node 20 does not have; it accepts a request object per call (`request.instance`),
// so this adapter is handed to each call and no global is touched.
//
// What it adds that the library lacks: a time limit (the library sets none) and the cause of a failed
// connection (the library reports every network failure as status 0 with no reason). Both are kept on the
// instance for the caller to put into one line.

type ResponseType = '' | 'text' | 'json' | 'arraybuffer';

export interface FetchXhrOptions {
  /** Milliseconds from send() until the whole answer has arrived; past it the request fails. */
  timeoutMs: number;
  /** Cancels the request (the user's Ctrl+C, a cancelled job). */
  signal?: AbortSignal;
  /** The most bytes one answer may have (a guard against an endless stream). */
  maxBytes: number;
}

/** Why a request ended without an HTTP answer. */
export type TransportFailure =
  | { kind: 'timeout'; ms: number }
  | { kind: 'cancelled' }
  | { kind: 'network'; reason: string }
  | { kind: 'too-large'; limit: number };

export class FetchXhr {
  readyState = 0;
  status = 0;
  response: unknown = null;
  responseType: ResponseType = '';
  withCredentials = false;
  onreadystatechange: (() => void) | null = null;
  onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null = null;
  onloadstart: (() => void) | null = null;
  onloadend: (() => void) | null = null;
  /** Set when the request ended without an answer. */
  failure: TransportFailure | null = null;
  /** The answer's bytes as text when it was meant to be JSON and did not parse (for the error line). */
  unparsedText: string | null = null;

  private method = 'GET';
  private url = '';
  private readonly headers = new Headers();
  private responseHeaders: Headers | null = null;

  constructor(private readonly opts: FetchXhrOptions) {}

  open(method: string, url: string): void {
    this.method = method.toUpperCase();
    this.url = url;
    this.readyState = 1;
  }

  setRequestHeader(name: string, value: string): void {
    this.headers.set(name, value);
  }

  getResponseHeader(name: string): string | null {
    return this.responseHeaders?.get(name) ?? null;
  }

  getAllResponseHeaders(): string {
    if (!this.responseHeaders) return '';
    let out = '';
    this.responseHeaders.forEach((v, k) => (out += `${k}: ${v}\r\n`));
    return out;
  }

  abort(): void {
    this.controller?.abort();
  }

  private controller: AbortController | null = null;

  send(body?: unknown): void {
    void this.run(body);
  }

  private async run(body: unknown): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    const timer = setTimeout(() => {
      this.failure = { kind: 'timeout', ms: this.opts.timeoutMs };
      controller.abort();
    }, this.opts.timeoutMs);
    const onCancel = () => {
      this.failure = { kind: 'cancelled' };
      controller.abort();
    };
    if (this.opts.signal?.aborted) onCancel();
    this.opts.signal?.addEventListener('abort', onCancel, { once: true });
    this.onloadstart?.();
    try {
      const res = await fetch(this.url, {
        method: this.method,
        headers: this.headers,
        body: body === undefined || body === null ? undefined : (body as BodyInit),
        signal: controller.signal,
        // A redirect could take the request to a server nobody configured: refused (configure the URL it
        // names instead, e.g. https://).
        redirect: 'error',
      });
      this.responseHeaders = res.headers;
      const bytes = await this.readBody(res, controller);
      this.status = res.status;
      this.response = this.decode(bytes);
    } catch (e) {
      this.status = 0;
      this.response = null;
      this.failure ??= { kind: 'network', reason: networkReason(e) };
    } finally {
      clearTimeout(timer);
      this.opts.signal?.removeEventListener('abort', onCancel);
      this.readyState = 4;
      this.onreadystatechange?.();
      this.onloadend?.();
    }
  }

  /** Reads the body in chunks (progress events, a size limit) into one buffer. */
  private async readBody(res: Response, controller: AbortController): Promise<Uint8Array> {
    const total = Number(res.headers.get('content-length') ?? 0);
    const chunks: Uint8Array[] = [];
    let loaded = 0;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        loaded += value.byteLength;
        if (loaded > this.opts.maxBytes) {
          this.failure = { kind: 'too-large', limit: this.opts.maxBytes };
          controller.abort();
          throw new Error('too large');
        }
        chunks.push(value);
        this.onprogress?.({ loaded, total, lengthComputable: total > 0 });
      }
    }
    const out = new Uint8Array(loaded);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }

  private decode(bytes: Uint8Array): unknown {
    if (this.responseType === 'arraybuffer') {
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }
    const text = new TextDecoder().decode(bytes);
    if (this.responseType === 'json') {
      // As XMLHttpRequest does, an answer that is not JSON gives a null response; the text is kept.
      try {
        return text.length === 0 ? null : (JSON.parse(text) as unknown);
      } catch {
        this.unparsedText = text;
        return null;
      }
    }
    return text;
  }
}

/** "connection refused", "host not found", … from undici's error and its cause. */
function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } } | null)?.cause;
  const code = cause?.code;
  if (/redirect/i.test(cause?.message ?? '') || /redirect/i.test((e as Error)?.message ?? ''))
    return 'it redirects elsewhere, which is refused (add the server under the address it redirects to)';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was closed mid-answer';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  return cause?.message ?? (e instanceof Error ? e.message : String(e));
}
