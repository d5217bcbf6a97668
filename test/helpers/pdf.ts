import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** The text items of a PDF, in reading order, empty ones left out. */
export async function pdfText(body: Buffer | Uint8Array): Promise<string[]> {
  const pdf = await getDocument({ data: new Uint8Array(body), isEvalSupported: false }).promise;
  const items: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    for (const item of content.items) {
      if ('str' in item && item.str.trim() !== '') items.push(item.str.trim());
    }
  }
  await pdf.destroy();
  return items;
}
