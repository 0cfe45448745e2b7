import { afterEach, describe, expect, it } from 'vitest';
import { checkFile } from './attachment-limits.ts';
import { forgetUserMaxBytes, rememberUserMaxBytes, userAttachmentLimits } from './user-size-limit.ts';

const MIB = 1024 * 1024;
const pdf = (size: number) => ({ name: 'scan.pdf', type: 'application/pdf', size });

describe("a user's size limit, as the server last said it", () => {
  afterEach(forgetUserMaxBytes);

  it('checks no size before the server said one: a server set above the 25 MiB default takes larger files', () => {
    expect(userAttachmentLimits()).toEqual({ maxBytes: null, kinds: ['image', 'pdf', 'text'] });
    expect(checkFile(pdf(40 * MIB), userAttachmentLimits())).toBeNull();
  });

  it("refuses a file over the last 413's max_bytes, and follows a later, larger one", () => {
    rememberUserMaxBytes(64 * 1024);
    expect(checkFile(pdf(4 * MIB), userAttachmentLimits())).toEqual({
      reason: 'size',
      name: 'scan.pdf',
      size: 4 * MIB,
      maxBytes: 64 * 1024,
    });
    expect(checkFile(pdf(64 * 1024), userAttachmentLimits())).toBeNull();
    rememberUserMaxBytes(50 * MIB);
    expect(checkFile(pdf(40 * MIB), userAttachmentLimits())).toBeNull();
  });

  it('keeps what it knew when a 413 names no usable limit', () => {
    rememberUserMaxBytes(MIB);
    for (const said of [null, 0, -5, 1.5, Number.NaN]) rememberUserMaxBytes(said);
    expect(userAttachmentLimits().maxBytes).toBe(MIB);
  });
});
