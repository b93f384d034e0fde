// Vite configuration of the web view (web/). `ztpath serve` and `ztpath report` build it on demand
// (cli/web-build.ts, into web/dist/<hash>/app); `npm run web` serves it with Vite's dev server
// (hot reload) behind the same API, on the sample estate.

import { defineConfig } from 'vite';

export default defineConfig({
  root: 'web',
  // Relative asset URLs: the same build is served by `ztpath serve` and inlined into reports.
  base: './',
  publicDir: false,
  build: {
    outDir: 'dist/app',
    emptyOutDir: true,
    target: 'es2022',
    // One script and one stylesheet: the report inlines them into a single HTML file.
    cssCodeSplit: false,
    assetsInlineLimit: 0,
    modulePreload: false,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1', strictPort: false },
});
