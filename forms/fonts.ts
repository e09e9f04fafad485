// The Japanese font every print form uses: Noto Sans JP (SIL OFL 1.1), shipped as static TTFs by the
// npm package @expo-google-fonts/noto-sans-jp. pdfkit (under pdfmake) embeds only the glyphs a
// document uses (subset), so the 5 MB files cost a few KB per PDF.
//
// The files are found through Node's module resolution from this file's location, which works from
// source (tsx, vitest) and from the bundled Electron main, where node_modules stays external.

import { createRequire } from 'node:module'
import path from 'node:path'
import type { TFontDictionary } from 'pdfmake/interfaces'

/** Font family name to use in document definitions (`defaultStyle.font`). */
export const JP_FONT_FAMILY = 'NotoSansJP'

const FONT_PACKAGE = '@expo-google-fonts/noto-sans-jp'
const REGULAR_FILE = '400Regular/NotoSansJP_400Regular.ttf'
const BOLD_FILE = '700Bold/NotoSansJP_700Bold.ttf'

export interface JapaneseFontFiles {
  /** Absolute path of the regular (400) TTF. */
  regular: string
  /** Absolute path of the bold (700) TTF. */
  bold: string
}

let resolved: JapaneseFontFiles | null = null

/**
 * Absolute paths of the Noto Sans JP TTFs. Resolved once per process; throws with the package name
 * if the package is not installed.
 */
export function resolveJapaneseFontFiles(): JapaneseFontFiles {
  if (resolved) return resolved
  const require = createRequire(import.meta.url)
  let pkgJson: string
  try {
    pkgJson = require.resolve(`${FONT_PACKAGE}/package.json`)
  } catch (e) {
    throw new Error(`帳票用フォントが見つかりません: npm パッケージ ${FONT_PACKAGE} をインストールしてください`, {
      cause: e,
    })
  }
  const dir = path.dirname(pkgJson)
  resolved = { regular: path.join(dir, REGULAR_FILE), bold: path.join(dir, BOLD_FILE) }
  return resolved
}

/**
 * pdfmake font dictionary registering {@link JP_FONT_FAMILY}: by default the files' paths, or the
 * names the fonts were given in pdfmake's in-memory file system (render.ts loads them there once).
 * Noto Sans JP has no italics; the italic styles map to the upright files.
 */
export function japaneseFontDictionary(files: { regular: string; bold: string } = resolveJapaneseFontFiles()): TFontDictionary {
  return {
    [JP_FONT_FAMILY]: {
      normal: files.regular,
      bold: files.bold,
      italics: files.regular,
      bolditalics: files.bold,
    },
  }
}
