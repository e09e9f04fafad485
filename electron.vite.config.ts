import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import vuetify from 'vite-plugin-vuetify'
import type { Plugin } from 'vite'

/** The app font's CSS (@fontsource/noto-sans-jp) offers every subset as woff2 and as woff; Electron
 * and every browser the preview supports read woff2, so only woff2 is referenced, and only woff2
 * files reach the bundle (and the packaged app). Runs before Vite resolves the CSS's url()s. */
function woff2Only(): Plugin {
  return {
    name: 'otp:woff2-only',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]@fontsource[\\/][^?]+\.css(\?|$)/.test(id)) return null
      return { code: code.replace(/,\s*url\([^)]*\.woff\)\s*format\(['"]woff['"]\)/g, ''), map: null }
    },
  }
}

// electron-vite builds the three parts from the product card's folders:
//   electron/main    -> out/main      (Node, dependencies stay external in node_modules; the
//                                      workers beside it, out/main/verifyWorker.js and
//                                      out/main/journalPdfWorker.js)
//   electron/preload -> out/preload   (sandboxed: CommonJS, nothing but `electron` external)
//   renderer         -> out/renderer  (Vue + Vuetify, also served by the browser-preview bridge)
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // The journal's full verification (verifyInWorker.ts) and the 日次取扱一覧's PDF
      // (journalPdfInWorker.ts) run in worker threads, each of its own file.
      lib: {
        entry: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          verifyWorker: resolve(__dirname, 'electron/main/verifyWorker.ts'),
          journalPdfWorker: resolve(__dirname, 'electron/main/journalPdfWorker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      lib: { entry: resolve(__dirname, 'electron/preload/index.ts') },
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
    plugins: [woff2Only(), vue(), vuetify({ autoImport: true })],
  },
})
