// The import operations the screen 顧客データ取込 calls (administrators): choose a file (Electron's
// open dialog; the preview uploads through the bridge instead), inspect it (encoding, header,
// first rows, the mapping kept from last time), start a dry run or an apply, follow its progress.
import { eq } from 'drizzle-orm'
import { settings } from '../../../db/schema'
import type { Readable } from 'node:stream'
import { AppError, type Result } from '../../../shared/errors'
import type { OpParsed } from '../../../shared/contract'
import {
  CUSTOMER_FIELDS,
  STATUS_FIELDS,
  guessMapping,
  type ImportInspection,
  type ImportJobView,
  type ImportKind,
  type StagedFile,
} from '../../../shared/importFormat'
import type { AppContext } from '../context'
import { writeTransaction } from '../tx'
import { ENCODING_LABELS, inspectSource } from '../importing/csvSource'
import { dryRunSignature, getJob, hasDryRun, startJob } from '../importing/jobs'
import { discardStaged, resolveStaged, stagePath, stageStream } from '../importing/staging'
import { requireUser, type Caller } from './caller'
import { CUSTOMER_MAPPING_KEY, runCustomerImport } from './customerImport'
import { STATUS_MAPPING_KEY, runStatusImport } from './statusImport'

const MAPPING_KEY: Record<ImportKind, string> = { customers: CUSTOMER_MAPPING_KEY, status: STATUS_MAPPING_KEY }

async function savedMapping(ctx: AppContext, kind: ImportKind): Promise<Record<string, string> | null> {
  const raw = (await ctx.db.select().from(settings).where(eq(settings.key, MAPPING_KEY[kind])).get())?.value
  if (!raw) return null
  try {
    return JSON.parse(raw) as Record<string, string>
  } catch {
    return null
  }
}

export async function saveMapping(ctx: AppContext, kind: ImportKind, mapping: Record<string, string>, by: { staffId: number | null; loginId: string }): Promise<void> {
  const value = JSON.stringify(mapping)
  await writeTransaction(
    ctx.db,
    (tx) => tx.insert(settings).values({ key: MAPPING_KEY[kind], value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run(),
    // No audit row of its own (the import's rows say who ran it): the journal entry names them.
    { at: ctx.clock().toISOString(), actorId: by.staffId, actorLoginId: by.loginId, action: 'imports.saveMapping', outcome: 'ok' },
  )
}

export async function chooseImportFile(ctx: AppContext, _input: OpParsed<'imports.chooseFile'>, caller: Caller): Promise<StagedFile | null> {
  const user = requireUser(caller)
  if (!ctx.fileDialogs) throw new AppError('FILE_DIALOG_UNAVAILABLE')
  const file = await ctx.fileDialogs.chooseOpen({
    title: '取り込むファイルを選択',
    filters: [
      { name: 'CSV・TSV', extensions: ['csv', 'tsv', 'txt'] },
      { name: 'すべてのファイル', extensions: ['*'] },
    ],
  })
  if (!file) return null
  return stagePath(ctx, file, user.loginId)
}

export async function inspectImport(ctx: AppContext, input: OpParsed<'imports.inspect'>): Promise<ImportInspection> {
  const staged = resolveStaged(ctx, input.stagingId)
  const info = await inspectSource(staged.file)
  const fields = input.kind === 'customers' ? CUSTOMER_FIELDS : STATUS_FIELDS
  const saved = await savedMapping(ctx, input.kind)
  const usable = saved && Object.values(saved).every((col) => !col || info.header.includes(col))
  return {
    stagingId: input.stagingId,
    fileName: staged.fileName,
    size: staged.size,
    kind: input.kind,
    sha256: info.sha256,
    encoding: info.encoding,
    encodingLabel: ENCODING_LABELS[info.encoding],
    delimiter: info.delimiter === '\t' ? 'tab' : 'comma',
    header: info.header,
    sample: info.sample,
    mapping: (usable ? saved : guessMapping(fields, info.header)) as Record<string, string>,
  }
}

export async function startImport(ctx: AppContext, input: OpParsed<'imports.start'>, caller: Caller): Promise<ImportJobView> {
  const user = requireUser(caller)
  const staged = resolveStaged(ctx, input.stagingId)
  const fullExtract = input.kind === 'customers' && input.fullExtract
  const mapping = Object.fromEntries(Object.entries(input.mapping).filter(([, v]) => v !== undefined)) as Record<string, string>
  const signature = dryRunSignature(input.stagingId, input.kind, mapping, fullExtract)
  const apply = input.mode === 'apply'
  if (apply && !hasDryRun(ctx, signature)) throw new AppError('IMPORT_DRY_RUN_REQUIRED')
  const info = await inspectSource(staged.file)
  const actor = { staffId: user.staffId, loginId: user.loginId }
  return startJob(ctx, {
    kind: input.kind,
    mode: input.mode,
    size: staged.size,
    ownerStaffId: user.staffId,
    signature,
    run: async (progress) => {
      const common = { file: staged.file, fileName: staged.fileName, info, mapping, apply, actor, onProgress: progress }
      const report = input.kind === 'customers' ? await runCustomerImport(ctx, { ...common, fullExtract }) : await runStatusImport(ctx, common)
      await saveMapping(ctx, input.kind, mapping, actor)
      if (apply) discardStaged(ctx, input.stagingId)
      return report
    },
  })
}

export function importJob(ctx: AppContext, input: OpParsed<'imports.job'>): ImportJobView {
  return getJob(ctx, input.jobId)
}

/** The browser preview's way in (the bridge's upload endpoint): the page sends the file's bytes,
 * never a path. Same rules as an operation: a session, the administrator role. */
export async function uploadImportFile(ctx: AppContext, sessionKey: string, fileName: string, body: Readable): Promise<Result<StagedFile>> {
  const user = ctx.sessions.get(sessionKey)
  if (!user) return { ok: false, error: new AppError('NOT_AUTHENTICATED').toPayload() }
  if (user.role !== 'admin') {
    ctx.logger.warn({ code: 'FORBIDDEN_ROLE', op: 'imports.upload', staffId: user.staffId }, 'refused: role')
    return { ok: false, error: new AppError('FORBIDDEN_ROLE').toPayload() }
  }
  try {
    return { ok: true, value: await stageStream(ctx, body, fileName, user.loginId) }
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: err.toPayload() }
    ctx.logger.error({ code: 'UPLOAD_FAILED', err }, 'import upload failed')
    return { ok: false, error: new AppError('INTERNAL').toPayload() }
  }
}
