// Which page is ours: IPC calls are accepted only from it, and the window may navigate only to it.
// The page is the URL the window loads: the dev server's origin (`electron-vite dev`), or the file
// URL of the built out/renderer/index.html. File URLs are compared as the file system compares
// paths: case-folded on Windows and macOS (their file systems ignore case by default, so
// `file:///c:/…` and `file:///C:/…` name the same file; macOS also ignores the Unicode
// normalisation, NFC or NFD, of a name), exactly elsewhere. The route after `#` and any query are
// not part of the page.
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export interface OwnPage {
  /** The dev server's URL, when the renderer is served by `electron-vite dev`. */
  devServerUrl?: string
  /** The built renderer's index.html, as a path of `platform`. */
  file: string
  platform: NodeJS.Platform
}

const caseInsensitive = (platform: NodeJS.Platform): boolean => platform === 'win32' || platform === 'darwin'

/** The URL the window loads for this page. */
export function ownPageUrl(page: OwnPage): string {
  return page.devServerUrl ?? pathToFileURL(page.file, { windows: page.platform === 'win32' }).href
}

/** A predicate: whether `url` is this page (any route of it). */
export function ownPageMatcher(page: OwnPage): (url: string) => boolean {
  const windows = page.platform === 'win32'
  const paths = windows ? path.win32 : path.posix
  const fold = (p: string): string => {
    const resolved = paths.resolve(p)
    if (!caseInsensitive(page.platform)) return resolved
    return resolved.normalize('NFC').toLowerCase()
  }
  if (page.devServerUrl) {
    const origin = new URL(page.devServerUrl).origin
    return (url) => URL.canParse(url) && new URL(url).origin === origin
  }
  const expected = fold(page.file)
  return (url) => {
    if (!URL.canParse(url)) return false
    const u = new URL(url)
    // file://host/share/… is a network share, never our page.
    if (u.protocol !== 'file:' || (u.host !== '' && u.host !== 'localhost')) return false
    let file: string
    try {
      file = fileURLToPath(u, { windows })
    } catch {
      return false
    }
    return fold(file) === expected
  }
}
