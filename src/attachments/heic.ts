import decodeHeif from 'heic-decode';
import { DomainError } from '../domain-error.ts';
import { attachmentError } from './errors.ts';
import type { RgbaImage } from './image.ts';
import { type AttachmentLimits, checkPixels } from './limits.ts';

/**
 * HEVC HEIF (iPhone photos), which sharp's prebuilt libvips cannot decode: libheif + libde265 in
 * WebAssembly (heic-decode), which applies the container's rotation and mirroring (`irot`/`imir`).
 * Synchronous WebAssembly: it runs in a worker thread (src/attachments/worker-pool.ts), and the RGBA
 * pixels go back to sharp (src/attachments/image.ts).
 */
export async function decodeHeic(
  bytes: Uint8Array,
  limits: Pick<AttachmentLimits, 'maxImagePixels'>,
): Promise<RgbaImage> {
  let images: Awaited<ReturnType<typeof decodeHeif.all>> | null = null;
  try {
    images = await decodeHeif.all({ buffer: bytes });
    const first = images[0];
    if (!first) throw attachmentError('ATTACHMENT_IMAGE_INVALID', { reason: 'no-image' });
    // The picture decoded is the first top-level one: check its own size before decoding it.
    checkPixels(first.width, first.height, limits);
    const { data, width, height } = await first.decode();
    return { data, width, height };
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw attachmentError('ATTACHMENT_IMAGE_INVALID', { reason: 'decode' });
  } finally {
    images?.dispose();
  }
}
