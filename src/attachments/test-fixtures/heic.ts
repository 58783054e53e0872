import { flatPicture, idrSlice, PICTURE_SIZE } from './hevc.ts';
import { hvcCPayload } from './hevc-parameter-sets.ts';

/**
 * Tests only: an iPhone-style HEIC (ISO/IEC 23008-12), shaped like what an iPhone camera writes:
 * brand `heic`, the primary item a `grid` of hidden HEVC tiles, a rotation (`irot`) on the
 * grid, an `nclx` colour box, and an `Exif` item (GPS, device, orientation) describing the
 * primary item. Tiles are 16×16 flat-colour pictures (see hevc.ts); the grid is `columns` tiles
 * wide and one tile high.
 */
export interface HeicOptions {
  /** One RGB colour per tile, left to right. */
  tiles: Array<[number, number, number]>;
  /** `irot` angle in quarter turns anti-clockwise (0–3). */
  rotation?: 0 | 1 | 2 | 3;
  /** An Exif block ("Exif\0\0" + TIFF), e.g. from sharp's `metadata().exif`. */
  exif?: Buffer;
}

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
  return box(type, vf, ...payload);
}

const u8 = (...values: number[]) => Buffer.from(values);
function u16(...values: number[]): Buffer {
  const b = Buffer.alloc(2 * values.length);
  for (const [i, v] of values.entries()) b.writeUInt16BE(v, 2 * i);
  return b;
}
function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  for (const [i, v] of values.entries()) b.writeUInt32BE(v, 4 * i);
  return b;
}
const text = (s: string) => Buffer.from(`${s}\0`, 'latin1');

export function iphoneStyleHeic(options: HeicOptions): Buffer {
  const { tiles, rotation = 0, exif } = options;
  const tileIds = tiles.map((_, i) => i + 1);
  const gridId = tiles.length + 1;
  const exifId = gridId + 1;
  const width = PICTURE_SIZE * tiles.length;
  const height = PICTURE_SIZE;

  // mdat payloads: each tile is its IDR slice with a 4-byte length prefix; then the Exif item.
  const tileData = tiles.map(([r, g, b]) => {
    const nal = idrSlice(flatPicture(r, g, b));
    return Buffer.concat([u32(nal.length), nal]);
  });
  const exifData = exif
    ? Buffer.concat([u32(exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0), exif])
    : null;
  const gridData = Buffer.concat([u8(0, 0, 0, tiles.length - 1), u16(width, height)]);

  const infe = (id: number, type: string, hidden: boolean) =>
    fullBox('infe', 2, hidden ? 1 : 0, u16(id, 0), Buffer.from(type, 'latin1'), text(''));
  const iinf = fullBox(
    'iinf',
    0,
    0,
    u16(tiles.length + 1 + (exifData ? 1 : 0)),
    ...tileIds.map((id) => infe(id, 'hvc1', true)),
    infe(gridId, 'grid', false),
    ...(exifData ? [infe(exifId, 'Exif', false)] : []),
  );
  const iref = fullBox(
    'iref',
    0,
    0,
    box('dimg', u16(gridId, tiles.length, ...tileIds)),
    ...(exifData ? [box('cdsc', u16(exifId, 1, gridId))] : []),
  );

  // Properties, 1-based: hvcC, tile ispe, grid ispe, colr, irot.
  const ipco = box(
    'ipco',
    box('hvcC', hvcCPayload()),
    fullBox('ispe', 0, 0, u32(PICTURE_SIZE, PICTURE_SIZE)),
    fullBox('ispe', 0, 0, u32(width, height)),
    box('colr', Buffer.from('nclx', 'latin1'), u16(1, 13, 6), u8(0x80)),
    box('irot', u8(rotation)),
  );
  const ipma = fullBox(
    'ipma',
    0,
    0,
    u32(tiles.length + 1),
    ...tileIds.map((id) => Buffer.concat([u16(id), u8(3, 0x81, 2, 4)])),
    Buffer.concat([u16(gridId), u8(3, 3, 4, 0x85)]),
  );

  const build = (mdatStart: number) => {
    // iloc v1: offset 4 bytes, length 4 bytes, no base offset; the grid's data lives in idat.
    const entries: Buffer[] = [];
    let offset = mdatStart + 8;
    for (const [i, data] of tileData.entries()) {
      entries.push(Buffer.concat([u16(tileIds[i] ?? 0, 0, 0, 1), u32(offset, data.length)]));
      offset += data.length;
    }
    entries.push(Buffer.concat([u16(gridId, 1, 0, 1), u32(0, gridData.length)]));
    if (exifData) entries.push(Buffer.concat([u16(exifId, 0, 0, 1), u32(offset, exifData.length)]));
    const iloc = fullBox('iloc', 1, 0, u8(0x44, 0x00), u16(entries.length), ...entries);
    const meta = fullBox(
      'meta',
      0,
      0,
      fullBox('hdlr', 0, 0, u32(0), Buffer.from('pict', 'latin1'), u32(0, 0, 0), text('')),
      fullBox('pitm', 0, 0, u16(gridId)),
      iinf,
      iref,
      box('iprp', ipco, ipma),
      iloc,
      box('idat', gridData),
    );
    const ftyp = box(
      'ftyp',
      Buffer.from('heic', 'latin1'),
      u32(0),
      Buffer.from('mif1MiHEmiafheic', 'latin1'),
    );
    return { head: Buffer.concat([ftyp, meta]) };
  };
  // The boxes before mdat have a fixed size: measure once, then lay out with real offsets.
  const { head } = build(build(0).head.length);
  return Buffer.concat([head, box('mdat', ...tileData, ...(exifData ? [exifData] : []))]);
}
