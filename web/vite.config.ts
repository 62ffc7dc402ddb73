// Vite build of the web console: web/ in, dist/console out (served by the API process, src/api/console.ts).
// Everything is bundled (no CDN, no external fonts): the console works on a plant's offline network.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    // ECharts is the one big dependency; the warning limit is set above its tree-shaken size.
    chunkSizeWarningLimit: 900,
    // No inline <script>/<link> data URLs: the CSP (src/api/console.ts) allows same-origin files only.
    assetsInlineLimit: 0,
  },
});
