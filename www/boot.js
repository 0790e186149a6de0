// Loads the app. A file of its own (not Trunk's inline loader) so that the
// Content-Security-Policy can forbid inline scripts.
import init from './surligneur.js';
await init({ module_or_path: new URL('./surligneur_bg.wasm', import.meta.url) });
