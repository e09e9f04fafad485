// pdf.js: renders the PDFs the main process built (preview and print) inside the app, so what the
// teller sees and what the printer gets are the very bytes that were archived.
//
// - The legacy build: the modern one needs JavaScript of the newest Chromium (e.g.
//   Map.prototype.getOrInsertComputed) that Electron 45's Chromium 142 does not have; the legacy
//   build carries those few polyfills and runs the same in Electron and in Debian's Chromium.
// - Loaded on first use (it is ~0.5 MB plus a 1.3 MB worker), not with the app.
// - The worker is bundled by Vite as a script of our own origin and created here (workerPort):
//   pdf.js would otherwise wrap it in a blob: worker under file:// (Electron), which the CSP
//   rightly refuses. No CSP change is needed: worker-src falls back to script-src 'self'.
// - isEvalSupported: false: pdf.js never tries new Function() (the CSP has no 'unsafe-eval').
// - The forms embed their fonts (Noto Sans JP subsets), so no system or standard fonts are fetched.
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs'
import PdfWorker from 'pdfjs-dist/legacy/build/pdf.worker.min.mjs?worker'
import { base64ToBytes } from './download'

export type { PDFDocumentProxy, PDFPageProxy }

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs')

let loading: Promise<PdfJs> | null = null

function pdfjs(): Promise<PdfJs> {
  loading ??= import('pdfjs-dist/legacy/build/pdf.mjs').then((lib) => {
    lib.GlobalWorkerOptions.workerPort = new PdfWorker({ name: 'pdfjs' })
    return lib
  })
  return loading
}

/** Opens a PDF given as base64 (as the main process sends it). The caller destroys it. */
export async function openPdf(pdfBase64: string): Promise<PDFDocumentProxy> {
  const { getDocument } = await pdfjs()
  return getDocument({
    data: base64ToBytes(pdfBase64),
    isEvalSupported: false,
    enableXfa: false,
    useSystemFonts: false,
    disableAutoFetch: true,
    stopAtErrors: true,
  }).promise
}

/** CSS pixels per PDF point at 100 %: a PDF point is 1/72 inch, a CSS pixel 1/96 inch. */
export const CSS_PX_PER_PT = 96 / 72

/** Millimetres per PDF point. */
export const MM_PER_PT = 25.4 / 72

export interface RenderedPage {
  /** Size of the page in PDF points (rotation applied). */
  widthPt: number
  heightPt: number
}

/** Draws one page into the canvas at `scale` device pixels per PDF point, on white. Returns the
 * render task's promise; `cancel()` stops it (a newer zoom replaces an older one). */
export function renderPage(
  page: PDFPageProxy,
  canvas: HTMLCanvasElement,
  scale: number,
  intent: 'display' | 'print' = 'display',
): { promise: Promise<void>; cancel: () => void } {
  const viewport = page.getViewport({ scale })
  canvas.width = Math.max(1, Math.floor(viewport.width))
  canvas.height = Math.max(1, Math.floor(viewport.height))
  const task = page.render({ canvas, viewport, intent, background: '#ffffff' })
  return { promise: task.promise, cancel: () => task.cancel() }
}

export function pageSize(page: PDFPageProxy): RenderedPage {
  const vp = page.getViewport({ scale: 1 })
  return { widthPt: vp.width, heightPt: vp.height }
}
