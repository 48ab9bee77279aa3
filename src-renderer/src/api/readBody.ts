// Reads a fetch Response body into one ArrayBuffer, reporting bytes received. When the length is known
// the buffer is allocated once and filled in place (no chunk list, no second copy of a 150 MB volume).
export async function readBody(
  response: Response,
  onProgress?: (received: number, total: number) => void,
): Promise<ArrayBuffer> {
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(message);
  }
  const total = Number(response.headers.get('content-length') ?? NaN);
  const reader = response.body?.getReader();
  if (!reader) return response.arrayBuffer();
  if (Number.isFinite(total)) {
    const out = new Uint8Array(total);
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (received + value.length > total) throw new Error('the server sent more bytes than announced');
      out.set(value, received);
      received += value.length;
      onProgress?.(received, total);
    }
    if (received !== total) throw new Error(`incomplete transfer: ${received} of ${total} bytes`);
    return out.buffer;
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onProgress?.(received, NaN);
  }
  const out = new Uint8Array(received);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out.buffer;
}
