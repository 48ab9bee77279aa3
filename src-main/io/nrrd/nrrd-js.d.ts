// Types for nrrd-js 0.2.1 (the package ships none): the parsed header object, as far as Concord reads it.
declare module 'nrrd-js' {
  export interface NrrdFields {
    version?: number;
    type?: string;
    dimension?: number;
    sizes?: number[];
    encoding?: string;
    endian?: string;
    space?: string;
    spaceDimension?: number;
    spaceDirections?: (number[] | null)[];
    spaceOrigin?: number[];
    spaceUnits?: string[];
    spacings?: number[];
    kinds?: (string | null)[];
    lineSkip?: number;
    byteSkip?: number;
    dataFile?:
      string | string[] | { format?: string; files?: string[]; min?: number; max?: number; step?: number };
    keys: Record<string, string>;
    [field: string]: unknown;
  }
  export function parse(buffer: ArrayBuffer | Uint8Array): NrrdFields;
  export function serialize(nrrd: Record<string, unknown>): ArrayBuffer;
}
