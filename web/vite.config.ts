import path from 'node:path';
import { defineConfig } from 'vite';

/**
 * The two web apps, built into dist/web and served by the server (src/http/routes/web-apps.ts):
 * the patient's space at /patient/ and the pharmacy counter app at /pharmacie/. Everything the
 * pages load comes from this build (fonts, icons, scripts): no third-party requests, and the
 * server's strict CSP allows nothing else.
 */
const root = import.meta.dirname;

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: path.resolve(root, '../dist/web'),
    emptyOutDir: true,
    // Inline assets would need `data:` in more CSP directives; keep every asset a file.
    assetsInlineLimit: 0,
    // No source maps in the served folder: what runs is what is shipped.
    sourcemap: false,
    rollupOptions: {
      input: {
        patient: path.resolve(root, 'patient/index.html'),
        pharmacie: path.resolve(root, 'pharmacie/index.html'),
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/auth': 'http://127.0.0.1:8080' } },
});
