/**
 * Tests only: a minimal HEVC (H.265) encoder for 16×16 pictures, so that iPhone-style HEIC files
 * can be generated here — sharp's prebuilt libvips cannot encode HEVC and libheif-js only decodes.
 *
 * Each picture is one IDR frame of one 16×16 coding tree unit coded in PCM mode (raw 8-bit
 * 4:2:0 samples), which needs only three CABAC bins: part_mode (2Nx2N, one context-coded bin),
 * pcm_flag and end_of_slice_segment_flag (terminating bins). Deblocking and SAO are off, so
 * the decoder outputs exactly the samples written. Syntax per ITU-T H.265 §7.3; arithmetic
 * coder per §9.3 (the encoder side mirrors the decoding process). The parameter sets that
 * describe these pictures are in hevc-parameter-sets.ts.
 */
export const PICTURE_SIZE = 16;

export class BitWriter {
  readonly bytes: number[] = [];
  #current = 0;
  #count = 0;

  bit(value: number): void {
    this.#current = (this.#current << 1) | (value & 1);
    this.#count += 1;
    if (this.#count === 8) {
      this.bytes.push(this.#current);
      this.#current = 0;
      this.#count = 0;
    }
  }

  bits(value: number, n: number): void {
    for (let i = n - 1; i >= 0; i--) this.bit(Math.floor(value / 2 ** i) & 1);
  }

  /** ue(v): unsigned Exp-Golomb. */
  ue(value: number): void {
    const v = value + 1;
    const length = Math.floor(Math.log2(v));
    this.bits(0, length);
    this.bits(v, length + 1);
  }

  /** se(v): signed Exp-Golomb. */
  se(value: number): void {
    this.ue(value <= 0 ? -2 * value : 2 * value - 1);
  }

  get aligned(): boolean {
    return this.#count === 0;
  }

  alignZero(): void {
    while (!this.aligned) this.bit(0);
  }

  /** rbsp_trailing_bits / byte_alignment: a one, then zeros to the byte boundary. */
  trailing(): void {
    this.bit(1);
    this.alignZero();
  }
}

/** The CABAC arithmetic encoder, with the single context model this stream needs. */
class CabacEncoder {
  #low = 0;
  #range = 510;
  #firstBit = true;
  #outstanding = 0;

  constructor(readonly out: BitWriter) {}

  /** part_mode's context at SliceQpY 26 (initValue 184): pStateIdx 0, valMps 1; bin 1 = MPS. */
  encodeMpsAtState0(): void {
    const rangeTabLpsState0 = [128, 176, 208, 240] as const;
    this.#range -= rangeTabLpsState0[(this.#range >> 6) & 3] ?? 0;
    this.#renormalise();
  }

  encodeTerminate(bin: 0 | 1): void {
    this.#range -= 2;
    if (bin) {
      this.#low += this.#range;
      this.#range = 2;
      this.#renormalise();
      this.#putBit((this.#low >> 9) & 1);
      this.out.bits(((this.#low >> 7) & 3) | 1, 2);
    } else {
      this.#renormalise();
    }
  }

  /** After PCM samples the arithmetic engine starts afresh (§9.3.2.5). */
  restart(): void {
    this.#low = 0;
    this.#range = 510;
    this.#firstBit = true;
    this.#outstanding = 0;
  }

  #renormalise(): void {
    while (this.#range < 256) {
      if (this.#low < 256) this.#putBit(0);
      else if (this.#low >= 512) {
        this.#low -= 512;
        this.#putBit(1);
      } else {
        this.#low -= 256;
        this.#outstanding += 1;
      }
      this.#range <<= 1;
      this.#low <<= 1;
    }
  }

  #putBit(bit: number): void {
    if (this.#firstBit) this.#firstBit = false;
    else this.out.bit(bit);
    for (; this.#outstanding > 0; this.#outstanding--) this.out.bit(1 - bit);
  }
}

export function nalUnit(type: number, rbsp: number[]): Buffer {
  const out = [(type << 1) & 0x7e, 1];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

export interface Yuv420 {
  /** 16×16 luma samples, then 8×8 Cb and 8×8 Cr, 8 bits each. */
  y: Uint8Array;
  cb: Uint8Array;
  cr: Uint8Array;
}

/** One IDR slice (NAL type 19) holding the picture as a single PCM-coded CTU. */
export function idrSlice(picture: Yuv420): Buffer {
  const w = new BitWriter();
  w.bit(1); // first_slice_segment_in_pic_flag
  w.bit(0); // no_output_of_prior_pics_flag
  w.ue(0); // slice_pic_parameter_set_id
  w.ue(2); // slice_type: I
  w.se(0); // slice_qp_delta: SliceQpY 26
  w.trailing(); // byte_alignment()
  const cabac = new CabacEncoder(w);
  cabac.encodeMpsAtState0(); // part_mode: PART_2Nx2N
  cabac.encodeTerminate(1); // pcm_flag
  w.alignZero(); // pcm_alignment_zero_bit
  for (const plane of [picture.y, picture.cb, picture.cr]) for (const sample of plane) w.bits(sample, 8);
  cabac.restart();
  cabac.encodeTerminate(1); // end_of_slice_segment_flag; its flush writes rbsp_stop_one_bit
  w.alignZero();
  return nalUnit(19, w.bytes);
}

/** A flat-colour 16×16 picture from RGB, BT.601 full range (as declared by the HEIF `colr` box). */
export function flatPicture(r: number, g: number, b: number): Yuv420 {
  const clamp = (v: number) => Math.max(1, Math.min(254, Math.round(v)));
  const y = clamp(0.299 * r + 0.587 * g + 0.114 * b);
  const cb = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
  const cr = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
  return {
    y: new Uint8Array(PICTURE_SIZE * PICTURE_SIZE).fill(y),
    cb: new Uint8Array((PICTURE_SIZE / 2) ** 2).fill(cb),
    cr: new Uint8Array((PICTURE_SIZE / 2) ** 2).fill(cr),
  };
}

/** HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3), the `hvcC` box's payload. */
