// Run by `npm install` (prepare), after the empty template: loads the demo into a new embedded
// database that a first start on the same day starts as a copy of (demo-template.ts). A failure
// here fails nothing: the first start then loads the demo itself.
import { DEMO_TEMPLATE_DIR, usableDemoTemplate, writeDemoTemplate } from './demo-template.js';

const now = new Date();
if (process.env.METERLINE_DEMO !== 'false' && !usableDemoTemplate(now)) {
  console.log('Loading the demo data for the first start (at most once a day; half a minute or more)…');
  try {
    await writeDemoTemplate(DEMO_TEMPLATE_DIR, { now });
  } catch (err) {
    console.error(
      `Loading the demo data failed (${err instanceof Error ? err.message : err}); the first start loads it instead.`,
    );
  }
}
