// better-sqlite3 is not an N-API module: the build in node_modules is for Node (the tests use it),
// and Electron needs one built for its own ABI. `npm run electron:native` puts that build in
// .native/electron-<version>/ (scripts/electron-native.mjs); the packaged app gets one rebuilt by
// electron-builder instead. This file only finds it.
import fs from 'node:fs'
import path from 'node:path'

export function electronNativeBinding(appRoot: string, isPackaged: boolean, electronVersion: string): string | undefined {
  if (isPackaged) return undefined
  const file = path.join(appRoot, '.native', `electron-${electronVersion}`, 'better_sqlite3.node')
  return fs.existsSync(file) ? file : undefined
}
