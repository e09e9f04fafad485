// Imports run as jobs in the main process: the operation that starts one answers at once with an
// id, the screen asks for progress, and the job reads the file in batches, yielding to the event
// loop between them, so every other operation (the counters' searches and requests) is served
// meanwhile. One import at a time per ledger; a job's result stays until the process ends.
import { randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import type { ImportJobView, ImportKind, ImportReport } from '../../../shared/importFormat'
import type { AppContext } from '../context'
import { FileRefused } from './csvSource'

interface Job extends ImportJobView {
  ownerStaffId: number | null
}

interface Registry {
  jobs: Map<string, Job>
  /** Dry runs that finished: "stagingId|kind|mapping|fullExtract". Applying needs one. */
  dryRuns: Set<string>
  running: string | null
}

const registries = new WeakMap<AppContext, Registry>()

function registry(ctx: AppContext): Registry {
  let r = registries.get(ctx)
  if (!r) {
    r = { jobs: new Map(), dryRuns: new Set(), running: null }
    registries.set(ctx, r)
  }
  return r
}

export function dryRunSignature(stagingId: string, kind: ImportKind, mapping: Record<string, string | undefined>, fullExtract: boolean): string {
  const sorted = Object.fromEntries(Object.entries(mapping).sort(([a], [b]) => a.localeCompare(b)))
  return `${stagingId}|${kind}|${JSON.stringify(sorted)}|${fullExtract}`
}

export function hasDryRun(ctx: AppContext, signature: string): boolean {
  return registry(ctx).dryRuns.has(signature)
}

export interface JobSpec {
  kind: ImportKind
  mode: 'dry_run' | 'apply'
  size: number
  ownerStaffId: number | null
  /** Set when a dry run finished, so that the same file and mapping may then be applied. */
  signature: string
  run(progress: (p: { bytesRead: number; rows: number }) => void): Promise<ImportReport>
}

/** Whether an import is running now (a restore waits for it). */
export function importRunning(ctx: AppContext): boolean {
  return registry(ctx).running !== null
}

/** Forgets the finished dry runs: after a restore they describe another ledger, so applying
 * needs a new one. */
export function forgetDryRuns(ctx: AppContext): void {
  registry(ctx).dryRuns.clear()
}

export function startJob(ctx: AppContext, spec: JobSpec): ImportJobView {
  const reg = registry(ctx)
  if (reg.running) throw new AppError('IMPORT_BUSY')
  const job: Job = {
    jobId: randomUUID(),
    kind: spec.kind,
    mode: spec.mode,
    state: 'running',
    bytesRead: 0,
    size: spec.size,
    rows: 0,
    report: null,
    error: null,
    ownerStaffId: spec.ownerStaffId,
  }
  reg.jobs.set(job.jobId, job)
  reg.running = job.jobId
  void spec
    .run((p) => {
      if (p.bytesRead) job.bytesRead = p.bytesRead
      job.rows = p.rows
    })
    .then(
      (report) => {
        job.report = report
        job.rows = report.rows
        job.bytesRead = job.size
        job.state = 'done'
        if (spec.mode === 'dry_run') reg.dryRuns.add(spec.signature)
        else reg.dryRuns.delete(spec.signature)
      },
      (err: unknown) => {
        job.state = 'failed'
        if (err instanceof AppError) {
          job.error = { code: err.code, message: err.message }
          ctx.logger.info({ code: err instanceof FileRefused ? err.reason : err.code, jobId: job.jobId, kind: spec.kind }, 'import refused')
        } else {
          job.error = { code: 'INTERNAL', message: new AppError('INTERNAL').message }
          ctx.logger.error({ code: 'IMPORT_FAILED', jobId: job.jobId, err }, 'import failed')
        }
      },
    )
    .finally(() => {
      reg.running = null
    })
  return view(job)
}

function view(job: Job): ImportJobView {
  const { ownerStaffId: _owner, ...rest } = job
  return { ...rest }
}

export function getJob(ctx: AppContext, jobId: string): ImportJobView {
  const job = registry(ctx).jobs.get(jobId)
  if (!job) throw new AppError('NOT_FOUND', '取込の処理が見つかりません。')
  return view(job)
}

/** Resolves when no import runs (for the command line and tests). */
export async function waitForJob(ctx: AppContext, jobId: string): Promise<ImportJobView> {
  for (;;) {
    const j = getJob(ctx, jobId)
    if (j.state !== 'running') return j
    await new Promise((r) => setTimeout(r, 20))
  }
}
