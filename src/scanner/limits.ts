/** What the scanner accepts at most. Checked from the bytes and the header, before anything is decoded. */
export const limits = {
  /** Phones' "send as file" JPEGs are 2–8 MB; a notice PDF well under 1 MB. */
  maxFileBytes: 20 * 1024 * 1024,
  /** 40 MP: above any phone camera's default, far below what a decompression bomb declares. */
  maxPixels: 40_000_000,
  /** A notice is one to a few pages; an instalment plan a few more. */
  maxPdfPages: 20,
} as const;
