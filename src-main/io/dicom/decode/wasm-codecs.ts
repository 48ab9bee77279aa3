// Loads the Cornerstone WebAssembly codecs (CharLS for JPEG-LS, OpenJPEG for JPEG 2000, libjpeg-turbo for
// 8-bit JPEG) in Node. Each package's "decodewasmjs" export is an Emscripten factory (CommonJS) that finds its
// .wasm next to itself; it is required, instantiated once, and dropped after a failed decode (an Emscripten
// abort leaves the instance unusable). The decoders share one calling pattern: copy the compressed bytes into
// the buffer getEncodedBuffer(n) returns, decode(), read getFrameInfo() and getDecodedBuffer(), delete().
import { createRequire } from 'node:module';

export interface CodecFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

/** An Embind decoder instance (C++ object: must be deleted). */
export interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): CodecFrameInfo;
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}

interface CharLsModule {
  JpegLSDecoder: new () => WasmDecoder;
}
interface OpenJpegModule {
  J2KDecoder: new () => WasmDecoder;
}
interface LibJpegTurboModule {
  JPEGDecoder: new () => WasmDecoder;
}

type Factory<M> = (moduleArg?: { print?: (s: string) => void; printErr?: (s: string) => void }) => Promise<M>;

const requireCjs = createRequire(import.meta.url);

export type CodecName = 'charls' | 'openjpeg' | 'libjpeg-turbo';

const PACKAGES: Record<CodecName, string> = {
  charls: '@cornerstonejs/codec-charls/decodewasmjs',
  openjpeg: '@cornerstonejs/codec-openjpeg/decodewasmjs',
  'libjpeg-turbo': '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
};

const instances = new Map<CodecName, Promise<unknown>>();

function load<M>(name: CodecName): Promise<M> {
  let p = instances.get(name) as Promise<M> | undefined;
  if (!p) {
    const factory = requireCjs(PACKAGES[name]) as Factory<M>;
    // OpenJPEG prints "[INFO] ..." lines on stdout; keep the console clean.
    p = factory({ print: () => {}, printErr: () => {} });
    p.catch(() => instances.delete(name));
    instances.set(name, p);
  }
  return p;
}

async function newDecoder(name: CodecName): Promise<WasmDecoder> {
  switch (name) {
    case 'charls':
      return new (await load<CharLsModule>(name)).JpegLSDecoder();
    case 'openjpeg':
      return new (await load<OpenJpegModule>(name)).J2KDecoder();
    case 'libjpeg-turbo':
      return new (await load<LibJpegTurboModule>(name)).JPEGDecoder();
  }
}

export interface WasmDecoded {
  info: CodecFrameInfo;
  /** A copy of the decoded samples (little-endian, interleaved), owned by the caller. */
  bytes: Uint8Array;
}

/** Decodes one compressed frame with the named codec. Throws Error with a short reason on failure. */
export async function decodeWithWasm(name: CodecName, encoded: Uint8Array): Promise<WasmDecoded> {
  const decoder = await newDecoder(name);
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    // The decoded buffer is a view into the module's memory: copy it out before delete().
    const bytes = decoder.getDecodedBuffer().slice();
    return { info: { ...info }, bytes };
  } catch (e) {
    instances.delete(name);
    throw new Error(`${name} could not decode the frame (${e instanceof Error ? e.message : String(e)})`, {
      cause: e,
    });
  } finally {
    try {
      decoder.delete();
    } catch {
      // An aborted instance cannot free; it has been dropped above.
    }
  }
}
