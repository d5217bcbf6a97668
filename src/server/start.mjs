// `npm start`: brings each build output up to date when one of its sources is newer (the web
// console, the server's bundle, the embedded database's template), then runs the server's bundle,
// all in this one Node process.
import { BUNDLE, bundleServerIfStale } from './bundle.mjs';

await import('../web/build-if-stale.mjs');
await bundleServerIfStale();
await import('./db/template-if-stale.mjs');
// Stack traces name the TypeScript sources (the bundle's source map).
process.setSourceMapsEnabled(true);
await import(new URL(`../../${BUNDLE}`, import.meta.url).href);
