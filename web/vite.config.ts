import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  // The dashboard talks to the API on the same origin; in `vite dev` forward /api to npm start.
  server: { proxy: { '/api': process.env.STYRINGSDATA_API ?? 'http://127.0.0.1:3000' } },
  build: { chunkSizeWarningLimit: 900 },
});
