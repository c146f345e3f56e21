import { crc32, deflateSync } from 'node:zlib';

/** The eight bytes every PNG starts with (PNG spec, section 5.2). */
const PNG_SIGNATURE = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
]);

/** Colour type 2 is truecolour RGB (PNG spec, section 11.2.2). */
const COLOUR_TYPE_RGB = 2;

/**
 * A valid square PNG of one colour, built in memory: the sandbox's avatars
 * need no files on disk.
 */
export function solidColorPng(
  rgb: readonly [number, number, number],
  size = 8,
): Buffer {
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', imageHeader(size)),
    pngChunk('IDAT', deflateSync(pixelRows(rgb, size))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function imageHeader(size: number): Buffer {
  const header = Buffer.alloc(13);

  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = COLOUR_TYPE_RGB;
  // Compression, filter and interlace methods stay 0 (the only defined ones).
  return header;
}

function pixelRows(rgb: readonly [number, number, number], size: number) {
  // Each scanline starts with its filter type; 0 means "None" (section 9.2).
  const row = Buffer.from([
    0,
    ...Array.from({ length: size }, () => rgb).flat(),
  ]);

  return Buffer.concat(Array.from({ length: size }, () => row));
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const checksum = Buffer.alloc(4);

  length.writeUInt32BE(data.length, 0);
  // The CRC covers the chunk type and data, not the length (section 5.3).
  checksum.writeUInt32BE(crc32(typeAndData) >>> 0, 0);
  return Buffer.concat([length, typeAndData, checksum]);
}
