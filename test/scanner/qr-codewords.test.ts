import QRCode from "qrcode";
import { describe, expect, it } from "vitest";
import {
  blocksOf,
  codewordCount,
  type EcLevel,
  readCodewords,
  readFormat,
  writeCodewords,
} from "../../src/scanner/read/qr-codewords.ts";
import { qrLayout } from "../../src/scanner/read/qr-layout.ts";
import { correctBlock, encodeBlock } from "../../src/scanner/read/reed-solomon.ts";

// The codeword layer is checked against symbols another encoder (the `qrcode` package) drew: every version
// the grid sampler fits and every level.
function symbol(version: number, level: EcLevel) {
  const qr = QRCode.create("PAGOPA|002|397812588311420121|82855098206|193217".slice(0, 4 + version), {
    version,
    errorCorrectionLevel: level,
  });
  const layout = qrLayout(version);
  const bits = new Uint8Array(layout.stride * layout.stride);
  for (let r = 0; r < layout.size; r++)
    for (let c = 0; c < layout.size; c++) bits[(r + 1) * layout.stride + c + 1] = qr.modules.get(r, c) ? 1 : 0;
  return { layout, bits, mask: qr.maskPattern as number };
}

// A seeded generator, so that a failure can be replayed.
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

describe("QR codewords", () => {
  for (let version = 1; version <= 10; version++) {
    for (const level of ["L", "M", "Q", "H"] as const) {
      it(`version ${version}-${level}: format, codewords and blocks as drawn, every block error-free`, () => {
        const { layout, bits, mask } = symbol(version, level);
        expect(readFormat(bits, layout)).toMatchObject({ level, mask, distance: 0 });
        const count = codewordCount(version, level);
        const { codewords } = readCodewords(bits, new Float32Array(bits.length), layout, mask, count);
        for (const block of blocksOf(version, level)) {
          const values = Uint8Array.from(block.positions, (p) => codewords[p] as number);
          expect(correctBlock(values, block.positions.length - block.dataCount)).toBe(0);
        }
        const again = new Uint8Array(bits.length);
        writeCodewords(again, layout, mask, codewords);
        const modules = readCodewords(again, new Float32Array(bits.length), layout, mask, count).codewords;
        expect(modules).toEqual(codewords);
      });
    }
  }
});

describe("Reed–Solomon with erasures", () => {
  it("corrects t errors and e erasures while 2t + e ≤ ec, and refuses past it", () => {
    const next = random(7);
    const ec = 18;
    for (let round = 0; round < 200; round++) {
      const data = Uint8Array.from({ length: 32 }, () => Math.floor(next() * 256));
      const clean = encodeBlock(data, ec);
      const erasures = 2 * Math.floor(next() * 5);
      const errors = Math.floor((ec - erasures) / 2);
      const places = [...clean.keys()].sort(() => next() - 0.5).slice(0, erasures + errors);
      const received = clean.slice();
      for (const p of places) received[p] = (received[p] as number) ^ (1 + Math.floor(next() * 255));
      expect(correctBlock(received, ec, places.slice(0, erasures))).toBe(erasures + errors);
      expect(received).toEqual(clean);
    }
    // Two errors beside 16 erasures (2·2 + 16 > 18): refused, the block left as read.
    const clean = encodeBlock(
      Uint8Array.from({ length: 32 }, (_, i) => i),
      ec,
    );
    const received = clean.slice();
    for (let p = 0; p < 18; p++) received[p] = (received[p] as number) ^ 0x55;
    const erased = Array.from({ length: 16 }, (_, i) => i + 2);
    expect(correctBlock(received, ec, erased)).toBe(-1);
    expect(received[0]).toBe((clean[0] as number) ^ 0x55);
  });
});
