// pdf.js ships its image decoders as a standalone module without type declarations; this is the part we use.
declare module "pdfjs-dist/image_decoders/pdf.image_decoders.mjs" {
  export class JpegImage {
    constructor(options?: { colorTransform?: number; decodeTransform?: Int32Array | null });
    readonly width: number;
    readonly height: number;
    readonly numComponents: number;
    parse(data: Uint8Array): void;
    /** Component samples interleaved, scaled to `width`×`height`; YCbCr unconverted when colorTransform is 0. */
    getData(options: { width: number; height: number; isSourcePDF?: boolean }): Uint8Array | Uint8ClampedArray;
    /**
     * Internal, not part of pdf.js's API: after `parse`, each component's samples in 8×8 block order. Read
     * defensively (jpeg-y-plane.ts checks its shape and falls back to `getData`).
     */
    readonly components?: unknown;
  }
}
