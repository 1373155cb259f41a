// pngjs (jimp's PNG decoder) ships no type declarations; this is the part we use.
declare module "pngjs" {
  export const PNG: {
    sync: {
      /** Decodes a whole PNG to 8-bit RGBA, whatever its colour type and depth; throws on bad data. */
      read(buffer: Buffer): { width: number; height: number; data: Buffer };
    };
  };
}
