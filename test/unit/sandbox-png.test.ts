import { crc32, inflateSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { solidColorPng } from '../../electron/sandbox/png';

interface Chunk {
  type: string;
  data: Buffer;
  crc: number;
}

/** Splits a PNG into its chunks (PNG spec, section 5.3). */
function chunks(png: Buffer): Chunk[] {
  const found: Chunk[] = [];

  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('ascii');
    const data = png.subarray(at + 8, at + 8 + length);

    found.push({ type, data, crc: png.readUInt32BE(at + 8 + length) });
    at += 12 + length;
  }

  return found;
}

describe('solidColorPng', () => {
  const png = solidColorPng([0x12, 0x34, 0x56]);

  it('starts with the PNG signature', () => {
    expect([...png.subarray(0, 8)]).toEqual([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ]);
  });

  it('has the IHDR, IDAT and IEND chunks in that order', () => {
    expect(chunks(png).map((chunk) => chunk.type)).toEqual([
      'IHDR',
      'IDAT',
      'IEND',
    ]);
  });

  it('gives every chunk a correct CRC over its type and data', () => {
    for (const chunk of chunks(png)) {
      const covered = Buffer.concat([Buffer.from(chunk.type), chunk.data]);

      expect(chunk.crc).toBe(crc32(covered) >>> 0);
    }
  });

  it('declares an 8x8 truecolour image of 8 bits per channel', () => {
    const header = chunks(png)[0]?.data ?? Buffer.alloc(13);

    expect(header.readUInt32BE(0)).toBe(8);
    expect(header.readUInt32BE(4)).toBe(8);
    expect([...header.subarray(8)]).toEqual([8, 2, 0, 0, 0]);
  });

  it('inflates to rows of the one colour, each after a None filter byte', () => {
    const pixels = inflateSync(chunks(png)[1]?.data ?? Buffer.alloc(0));
    const row = [
      0,
      ...Array.from({ length: 8 }, () => [0x12, 0x34, 0x56]).flat(),
    ];

    expect([...pixels]).toEqual(Array.from({ length: 8 }, () => row).flat());
  });

  it('honours another size', () => {
    const header = chunks(solidColorPng([0, 0, 0], 3))[0]?.data;

    expect(header?.readUInt32BE(0)).toBe(3);
  });
});
