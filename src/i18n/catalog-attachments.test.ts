import { describe, expect, it } from 'vitest';
import { attachmentsDe } from './catalog-attachments-de.ts';
import { attachmentsEn } from './catalog-attachments-en.ts';
import { catalogParityTests } from './testing/catalog-parity.ts';

/** Sample values for every function of the attachment catalogs. */
const SAMPLES: Record<string, unknown[][]> = {
  remove: [['report.pdf']],
  type: [['report.docx', 'images and PDF files']],
  size: [['big.png', '14.2 MB', '10 MB']],
  empty: [['zero.png']],
  count: [['eleven.png', 10]],
  uploading: [['invoice.pdf, terms.pdf']],
  progress: [['1.2 MB', '3 MB']],
  cancel: [['invoice.pdf']],
  tooLarge: [['scan.pdf']],
  sendWithout: [['scan.pdf']],
};

describe('the attachment catalogs', () => {
  catalogParityTests(attachmentsEn, attachmentsDe, (key) => SAMPLES[key]);

  it('say why a file is refused as the issue words it', () => {
    expect(attachmentsEn.type('report.docx', 'images and PDF files')).toBe('report.docx: this chat accepts images and PDF files');
    expect(attachmentsEn.size('big.png', '14.2 MB', '10 MB')).toBe('big.png is 14.2 MB; the limit is 10 MB');
    expect(attachmentsDe.size('big.png', '14,2 MB', '10 MB')).toBe('big.png ist 14,2 MB groß; erlaubt sind höchstens 10 MB');
  });

  it('name a sent message’s upload, its progress and its cancel, and a file the server refused', () => {
    expect(attachmentsEn.uploading('a.pdf, b.pdf')).toBe('Uploading a.pdf, b.pdf');
    expect(attachmentsEn.progress('1.2 MB', '3 MB')).toBe('1.2 MB of 3 MB');
    expect(attachmentsEn.cancel('a.pdf')).toBe('Cancel sending a.pdf');
    expect(attachmentsDe.cancel('a.pdf')).toBe('Senden von a.pdf abbrechen');
    expect(attachmentsEn.sendWithout('scan.pdf')).toBe('Send without scan.pdf');
    expect(attachmentsDe.sendWithout('scan.pdf')).toBe('Ohne scan.pdf senden');
  });
});
