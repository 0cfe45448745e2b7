import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import sharp, { type SharpOptions } from 'sharp';
import { ApiError } from '../http/errors.ts';
import { MAX_IMAGE_PIXELS, THUMBNAIL_MAX_SIDE, type ImageType } from './attachment-kinds.ts';

/** An image as stored: re-encoded upright without metadata, with its thumbnail. */
export interface ProcessedImage {
  path: string;
  size: number;
  sha256: string;
  width: number;
  height: number;
  thumbnail: { path: string; contentType: 'image/webp'; size: number; sha256: string };
}

/** Thumbnails are WebP: small, and every browser the clients support shows it. */
const THUMBNAIL_QUALITY = 80;
/** Quality of re-encoded JPEG and WebP images: visually the same as what was sent. */
const REENCODE_QUALITY = 90;

const FORMAT: Record<ImageType, 'png' | 'jpeg' | 'gif' | 'webp'> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

export const tooManyPixels = () =>
  new ApiError('client_error', `The image has more than ${MAX_IMAGE_PIXELS / 1_000_000} megapixels; send a smaller one.`, { status: 413 });

const notAnImage = (type: ImageType) =>
  new ApiError('unsupported_media_type', `The file starts like ${FORMAT[type].toUpperCase()} but is not a complete, valid image.`);

/** sharp refused the image for its `limitInputPixels` (it reads the size from the header, before decoding). */
const isPixelLimit = (error: unknown) => error instanceof Error && /pixel limit/i.test(error.message);

/** Size and sha256 of a file, read as a stream. */
async function measure(path: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    size += chunk.length;
    hash.update(chunk);
  }
  return { size, sha256: hash.digest('hex') };
}

/** Writes the WebP thumbnail of the image at `input` (at most {@link THUMBNAIL_MAX_SIDE} px a side; the first frame of an animation). */
export async function makeThumbnail(input: string, output: string): Promise<void> {
  await sharp(input, { limitInputPixels: MAX_IMAGE_PIXELS, animated: false })
    .resize({ width: THUMBNAIL_MAX_SIDE, height: THUMBNAIL_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: THUMBNAIL_QUALITY })
    .toFile(output);
}

/**
 * Decodes an uploaded image with sharp and stores what it shows, not what was sent: the
 * pixel count is checked from the header before anything is decoded (a decompression bomb
 * is refused with 413), the image is turned upright (EXIF orientation) and re-encoded in its
 * own format without metadata (EXIF, GPS, XMP, ICC: sharp converts to sRGB and keeps none),
 * and a WebP thumbnail of at most {@link THUMBNAIL_MAX_SIDE} px a side is made. A file that
 * does not decode cleanly (truncated, corrupt) is 415. Writes both files into `dir`.
 */
export async function processImage(input: string, type: ImageType, dir: string): Promise<ProcessedImage> {
  const animated = type === 'image/gif' || type === 'image/webp';
  const options: SharpOptions = { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'warning', autoOrient: true, animated };
  let header;
  try {
    header = await sharp(input, { ...options, autoOrient: false }).metadata();
  } catch (error) {
    throw isPixelLimit(error) ? tooManyPixels() : notAnImage(type);
  }
  // All frames of an animation count: that is what gets decoded.
  if (header.width * header.height > MAX_IMAGE_PIXELS) throw tooManyPixels();
  const path = join(dir, `${randomUUID()}.image`);
  const thumbPath = join(dir, `${randomUUID()}.thumbnail`);
  try {
    await sharp(input, options)
      .toFormat(FORMAT[type], FORMAT[type] === 'jpeg' || FORMAT[type] === 'webp' ? { quality: REENCODE_QUALITY } : {})
      .toFile(path);
    await makeThumbnail(path, thumbPath);
  } catch (error) {
    await Promise.all([rm(path, { force: true }), rm(thumbPath, { force: true })]);
    if (isPixelLimit(error)) throw tooManyPixels();
    throw notAnImage(type);
  }
  const stored = await sharp(path, { animated }).metadata();
  const [original, thumbnail] = await Promise.all([measure(path), measure(thumbPath)]);
  return {
    path,
    ...original,
    width: stored.width,
    height: stored.pageHeight ?? stored.height,
    thumbnail: { path: thumbPath, contentType: 'image/webp', ...thumbnail },
  };
}
