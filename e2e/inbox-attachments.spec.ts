import { expect, test } from './fixtures/alice-and-bob.ts';
import { ALICE, composer, conversation, openThread, signIn } from './support/inbox.ts';

/** A minimal one-page PDF: the server decides the type by these bytes (CONTRACT §13). */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/**
 * An operator sends a file from the inbox (CONTRACT §13) against the real server: chosen with
 * the attach button, shown in the tray, sent with a line of text; the message arrives once,
 * carrying the file.
 */
test('an operator attaches a PDF with the button and sends it; the message arrives once with the file', async ({
  page,
  alice,
  tag,
  startThread,
}) => {
  const thread = await startThread('Files');
  await signIn(page, ALICE);
  await openThread(page, `Files ${tag}`);

  const attach = page.getByRole('button', { name: 'Attach files' });
  await expect(attach).toBeVisible();
  await page.locator('input[data-attach-input]').setInputFiles({ name: `invoice-${tag}.pdf`, mimeType: 'application/pdf', buffer: PDF });
  const tray = page.getByRole('list', { name: 'Files to send' });
  await expect(tray.getByRole('listitem')).toHaveCount(1);
  await expect(tray).toContainText(`invoice-${tag}.pdf`);

  // A kind the server does not take is refused before any upload, in words.
  await page
    .locator('input[data-attach-input]')
    .setInputFiles({ name: 'report.docx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK') });
  await expect(page.getByRole('alert')).toContainText('report.docx: this chat accepts images, PDF files and text files');
  await expect(tray.getByRole('listitem')).toHaveCount(1);

  const text = `The invoice ${tag}`;
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await expect(tray).toHaveCount(0);
  await expect(conversation(page).getByText(text)).toBeVisible();

  await expect
    .poll(async () =>
      (await alice.events(thread.id))
        .filter((event) => event.event_type === 'message_committed' && event.content === text)
        .map((event) =>
          ((event.data as { attachments?: { name: string; content_type: string }[] }).attachments ?? []).map((file) => [
            file.name,
            file.content_type,
          ]),
        ),
    )
    .toEqual([[[`invoice-${tag}.pdf`, 'application/pdf']]]);
});
