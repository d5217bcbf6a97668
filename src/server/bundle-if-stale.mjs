// Run by `npm install` (prepare), like the web console's build, so that the first start finds the
// server bundled; `npm start` (start.mjs) bundles it again when a source changed since.
import { bundleServerIfStale } from './bundle.mjs';

await bundleServerIfStale();
