// The DICOM transfer syntaxes Concord knows, and how each one's pixel data is decoded.
// A syntax that is not listed here, or is listed without a decoder, is refused with a message naming
// its UID and name (never guessed: a wrong guess gives a silently wrong image).

/** How the pixel data of a syntax is turned into stored values. */
export type PixelCodec =
  | 'native' // uncompressed, in the data set's byte order
  | 'encapsulated-native' // uncompressed but split into fragments (1.2.840.10008.1.2.1.98)
  | 'rle'
  | 'jpeg-lossless'
  | 'jpeg-baseline'
  | 'jpeg-ls'
  | 'jpeg2000';

export interface TransferSyntax {
  uid: string;
  name: string;
  /** Undefined: recognised but not decoded (refused with a message). */
  codec?: PixelCodec;
  /** Data set and native pixel bytes are big-endian. */
  bigEndian?: boolean;
  /** The data set after the file meta group is deflated (zlib raw deflate). */
  deflated?: boolean;
  /** The encoding may lose information (the volume is still imported; a note says so). */
  lossy?: boolean;
  /** Why a recognised syntax is refused. */
  refusal?: string;
}

const LIST: TransferSyntax[] = [
  { uid: '1.2.840.10008.1.2', name: 'Implicit VR Little Endian', codec: 'native' },
  { uid: '1.2.840.10008.1.2.1', name: 'Explicit VR Little Endian', codec: 'native' },
  {
    uid: '1.2.840.10008.1.2.1.99',
    name: 'Deflated Explicit VR Little Endian',
    codec: 'native',
    deflated: true,
  },
  { uid: '1.2.840.10008.1.2.2', name: 'Explicit VR Big Endian', codec: 'native', bigEndian: true },
  {
    uid: '1.2.840.10008.1.2.1.98',
    name: 'Encapsulated Uncompressed Explicit VR Little Endian',
    codec: 'encapsulated-native',
  },
  { uid: '1.2.840.10008.1.2.5', name: 'RLE Lossless', codec: 'rle' },
  { uid: '1.2.840.10008.1.2.4.50', name: 'JPEG Baseline (Process 1)', codec: 'jpeg-baseline', lossy: true },
  {
    uid: '1.2.840.10008.1.2.4.51',
    name: 'JPEG Extended (Process 2 & 4)',
    // Decoded only when the JPEG stream itself is 8-bit (process 2); 12-bit (process 4) is refused at decode time.
    codec: 'jpeg-baseline',
    lossy: true,
  },
  {
    uid: '1.2.840.10008.1.2.4.57',
    name: 'JPEG Lossless, Non-Hierarchical (Process 14)',
    codec: 'jpeg-lossless',
  },
  {
    uid: '1.2.840.10008.1.2.4.70',
    name: 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, SV1)',
    codec: 'jpeg-lossless',
  },
  { uid: '1.2.840.10008.1.2.4.80', name: 'JPEG-LS Lossless', codec: 'jpeg-ls' },
  { uid: '1.2.840.10008.1.2.4.81', name: 'JPEG-LS Lossy (Near-Lossless)', codec: 'jpeg-ls', lossy: true },
  { uid: '1.2.840.10008.1.2.4.90', name: 'JPEG 2000 (Lossless Only)', codec: 'jpeg2000' },
  { uid: '1.2.840.10008.1.2.4.91', name: 'JPEG 2000', codec: 'jpeg2000', lossy: true },
  // Recognised, refused.
  {
    uid: '1.2.840.10008.1.2.4.92',
    name: 'JPEG 2000 Part 2 Multi-component (Lossless Only)',
    refusal: 'multi-component JPEG 2000 is not supported',
  },
  {
    uid: '1.2.840.10008.1.2.4.93',
    name: 'JPEG 2000 Part 2 Multi-component',
    refusal: 'multi-component JPEG 2000 is not supported',
  },
  { uid: '1.2.840.10008.1.2.4.94', name: 'JPIP Referenced', refusal: 'pixel data is not in the file' },
  {
    uid: '1.2.840.10008.1.2.4.95',
    name: 'JPIP Referenced Deflate',
    refusal: 'pixel data is not in the file',
  },
  {
    uid: '1.2.840.10008.1.2.4.100',
    name: 'MPEG2 Main Profile / Main Level',
    refusal: 'video is not imported',
  },
  {
    uid: '1.2.840.10008.1.2.4.101',
    name: 'MPEG2 Main Profile / High Level',
    refusal: 'video is not imported',
  },
  { uid: '1.2.840.10008.1.2.4.102', name: 'MPEG-4 AVC/H.264 High Profile', refusal: 'video is not imported' },
  {
    uid: '1.2.840.10008.1.2.4.103',
    name: 'MPEG-4 AVC/H.264 BD-compatible',
    refusal: 'video is not imported',
  },
  {
    uid: '1.2.840.10008.1.2.4.104',
    name: 'MPEG-4 AVC/H.264 High Profile For 2D Video',
    refusal: 'video is not imported',
  },
  {
    uid: '1.2.840.10008.1.2.4.105',
    name: 'MPEG-4 AVC/H.264 High Profile For 3D Video',
    refusal: 'video is not imported',
  },
  {
    uid: '1.2.840.10008.1.2.4.106',
    name: 'MPEG-4 AVC/H.264 Stereo High Profile',
    refusal: 'video is not imported',
  },
  { uid: '1.2.840.10008.1.2.4.107', name: 'HEVC/H.265 Main Profile', refusal: 'video is not imported' },
  { uid: '1.2.840.10008.1.2.4.108', name: 'HEVC/H.265 Main 10 Profile', refusal: 'video is not imported' },
  // HTJ2K: the bundled OpenJPEG build is not verified on HTJ2K streams here (no test file), so it is refused.
  {
    uid: '1.2.840.10008.1.2.4.201',
    name: 'High-Throughput JPEG 2000 (Lossless Only)',
    refusal: 'HTJ2K is not supported',
  },
  {
    uid: '1.2.840.10008.1.2.4.202',
    name: 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)',
    refusal: 'HTJ2K is not supported',
  },
  { uid: '1.2.840.10008.1.2.4.203', name: 'High-Throughput JPEG 2000', refusal: 'HTJ2K is not supported' },
];

const BY_UID = new Map(LIST.map((t) => [t.uid, t]));

/** The syntax with this UID; an unknown UID gives an entry with no codec (refused). */
export function transferSyntax(uid: string): TransferSyntax {
  return (
    BY_UID.get(uid) ?? {
      uid,
      name: 'unknown transfer syntax',
      refusal: 'not a transfer syntax Concord knows',
    }
  );
}

/** "1.2.840.10008.1.2.4.51 (JPEG Extended (Process 2 & 4))" */
export function describeSyntax(ts: TransferSyntax): string {
  return `${ts.uid} (${ts.name})`;
}

/** UIDs that decode to stored values (for documentation and tests). */
export function decodableSyntaxes(): TransferSyntax[] {
  return LIST.filter((t) => t.codec !== undefined);
}
