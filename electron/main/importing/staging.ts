// Where a file to import waits between being chosen and being read. The renderer never names a
// path: in Electron the main process asks the operating system's open dialog and copies the file
// here; in the browser preview the page uploads the bytes to the bridge, which streams them here.
// Either way the import then names the file by an id the main process made up, and reads a copy
// nobody else writes to (the dry run and the apply see the same bytes; the SHA-256 says so).
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Transform, type Readable } from 'node:stream'
import { AppError } from '../../../shared/errors'
import type { StagedFile } from '../../../shared/importFormat'
import type { AppContext } from '../context'
import { FileRefused } from './csvSource'

/** 1,000,000 customers of a few hundred bytes each, with room to spare. */
export const MAX_STAGED_BYTES = 1024 * 1024 * 1024
const KEEP_MS = 24 * 60 * 60 * 1000
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

interface StagedMeta {
  fileName: string
  size: number
  stagedAt: string
  stagedBy: string
}

export function stagingDir(ctx: AppContext): string {
  return path.join(ctx.dataDir, 'imports', 'staging')
}

/** Only the last part of a name the user's system gave, for display and the audit trail. */
function displayName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  return base.replace(/[\u0000-\u001F\u007F]/g, '').slice(0, 200) || 'import.csv'
}

function sweepOld(dir: string, now: number): void {
  for (const f of fs.readdirSync(dir)) {
    const p = path.join(dir, f)
    try {
      if (now - fs.statSync(p).mtimeMs > KEEP_MS) fs.rmSync(p, { force: true })
    } catch {
      // another process removed it first
    }
  }
}

export async function stageStream(ctx: AppContext, input: Readable, fileName: string, stagedBy: string): Promise<StagedFile> {
  const dir = stagingDir(ctx)
  fs.mkdirSync(dir, { recursive: true })
  sweepOld(dir, ctx.clock().getTime())
  const stagingId = randomUUID()
  const file = path.join(dir, stagingId)
  let size = 0
  const limit = new Transform({
    transform(chunk: Buffer, _e, cb) {
      size += chunk.length
      if (size > MAX_STAGED_BYTES) cb(new FileRefused('FILE_TOO_LARGE', `ファイルが大きすぎます（上限 ${MAX_STAGED_BYTES / 1024 / 1024 / 1024}GB）。`))
      else cb(null, chunk)
    },
  })
  try {
    await pipeline(input, limit, fs.createWriteStream(file, { flags: 'wx' }))
  } catch (err) {
    fs.rmSync(file, { force: true })
    throw err
  }
  const meta: StagedMeta = { fileName: displayName(fileName), size, stagedAt: ctx.clock().toISOString(), stagedBy }
  fs.writeFileSync(`${file}.json`, JSON.stringify(meta))
  ctx.logger.info({ stagingId, size, stagedBy }, 'import file staged')
  return { stagingId, fileName: meta.fileName, size }
}

export async function stagePath(ctx: AppContext, source: string, stagedBy: string): Promise<StagedFile> {
  const st = fs.statSync(source)
  if (!st.isFile()) throw new FileRefused('NOT_A_FILE', '選択されたものはファイルではありません。')
  if (st.size > MAX_STAGED_BYTES) throw new FileRefused('FILE_TOO_LARGE', `ファイルが大きすぎます（上限 ${MAX_STAGED_BYTES / 1024 / 1024 / 1024}GB）。`)
  return stageStream(ctx, fs.createReadStream(source), path.basename(source), stagedBy)
}

export function resolveStaged(ctx: AppContext, stagingId: string): { file: string; fileName: string; size: number } {
  if (!ID.test(stagingId)) throw new AppError('IMPORT_NOT_FOUND')
  const file = path.join(stagingDir(ctx), stagingId)
  try {
    const meta = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as StagedMeta
    if (!fs.existsSync(file)) throw new Error('gone')
    return { file, fileName: meta.fileName, size: meta.size }
  } catch {
    throw new AppError('IMPORT_NOT_FOUND')
  }
}

export function discardStaged(ctx: AppContext, stagingId: string): void {
  if (!ID.test(stagingId)) return
  const file = path.join(stagingDir(ctx), stagingId)
  fs.rmSync(file, { force: true })
  fs.rmSync(`${file}.json`, { force: true })
}
