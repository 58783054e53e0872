/**
 * The part of heic-decode 2 this project uses (the package ships no types). From its README:
 * `decode({ buffer })` decodes the first top-level image; `decode.all({ buffer })` lists them with
 * their size, to decode one by one, and must be disposed. Pixels are RGBA, 8 bits per channel.
 */
declare module 'heic-decode' {
  export interface DecodedHeifImage {
    width: number;
    height: number;
    data: Uint8ClampedArray;
  }
  export interface HeifImageEntry {
    width: number;
    height: number;
    decode(): Promise<DecodedHeifImage>;
  }
  interface Decode {
    (input: { buffer: Uint8Array }): Promise<DecodedHeifImage>;
    all(input: { buffer: Uint8Array }): Promise<HeifImageEntry[] & { dispose(): void }>;
  }
  const decode: Decode;
  export default decode;
}
