import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import vuetify from 'vite-plugin-vuetify'

// electron-vite builds the three parts from the product card's folders:
//   electron/main    -> out/main      (Node, dependencies stay external in node_modules)
//   electron/preload -> out/preload   (sandboxed: CommonJS, nothing but `electron` external)
//   renderer         -> out/renderer  (Vue + Vuetify, also served by the browser-preview bridge)
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: resolve(__dirname, 'electron/main/index.ts') },
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
    plugins: [vue(), vuetify({ autoImport: true })],
  },
})
