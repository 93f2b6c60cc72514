// SvelteKit as a single-page app: adapter-static writes web/build, and every route falls back to
// index.html, which the API process (api/server.ts) serves on the same port as /api.
import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: false }),
    // The types and constant lists shared with the API and the pipeline (contract/types.ts: no runtime imports).
    alias: { $contract: '../contract' },
  },
};
