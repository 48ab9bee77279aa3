// The part of dcmjs 0.49 (no bundled types) that Concord uses: reading and writing Part 10 files through
// naturalized data sets (attribute keywords as keys), and sRGB <-> DICOM CIELab colours.
declare module 'dcmjs' {
  /** A data set keyed by DICOM keyword; sequences are arrays of data sets. */
  export type NaturalDataset = Record<string, unknown> & {
    _vrMap?: Record<string, string>;
    _meta?: Record<string, unknown>;
  };

  export interface DicomDictInstance {
    meta: Record<string, unknown>;
    dict: Record<string, unknown>;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }

  export const data: {
    DicomDict: new (meta: Record<string, unknown>) => DicomDictInstance;
    DicomMessage: {
      readFile(
        buffer: ArrayBuffer,
        options?: { ignoreErrors?: boolean; untilTag?: string | null; noCopy?: boolean },
      ): DicomDictInstance;
    };
    DicomMetaDictionary: {
      naturalizeDataset(dict: Record<string, unknown>): NaturalDataset;
      denaturalizeDataset(dataset: Record<string, unknown>): Record<string, unknown>;
    };
    Colors: {
      /** sRGB components 0..1 -> DICOM CIELab (L*, a*, b* scaled to 0..65535; not rounded). */
      rgb2DICOMLAB(rgb: number[]): number[];
      /** DICOM CIELab (0..65535) -> sRGB components 0..1. */
      dicomlab2RGB(lab: number[]): number[];
    };
  };

  interface Logger {
    setLevel(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'): void;
  }
  /** dcmjs's own loglevel instance (root logger); 'validation.dcmjs' is a child. */
  export const log: Logger & { getLogger(name: string): Logger };

  const dcmjs: { data: typeof data; log: typeof log };
  export default dcmjs;
}
