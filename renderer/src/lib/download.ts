// Saving a printed form: the PDF bytes come from the main side (forms.*); the page turns them
// into a Blob and clicks an <a download>. This works in Electron (the main side's will-download
// handler decides where the file goes) and in a browser; no new window is opened.
export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64)
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  return bytes
}

export function downloadPdf(fileName: string, pdfBase64: string): void {
  downloadBlob(fileName, new Blob([base64ToBytes(pdfBase64)], { type: 'application/pdf' }))
}

/** Any file the page offers for saving (PDFs, CSV exports, an import's result report). */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
