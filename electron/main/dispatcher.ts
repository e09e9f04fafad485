// The dispatcher: a plain function of (operation, payload, session key). Electron's ipcMain and
// the browser preview's HTTP bridge are two thin transports over it, and tests call it directly.
// Order: known operation -> caller from the main-side session -> role -> payload schema -> service.
import { contract, type OpOutput, type OpParsed } from '../../shared/contract'
import { AppError, type Result } from '../../shared/errors'
import { isOperationName, type OperationName } from '../../shared/operations'
import { fieldErrors } from '../../shared/schemas'
import { LATEST_SCHEMA_VERSION } from '../../db/migrations'
import { writeAudit } from './audit'
import type { AppContext } from './context'
import { storageFailureCode } from './failures'
import type { SessionUser } from '../../shared/types'
import { authState, login, logout, setupFirstAdmin } from './services/auth'
import { backupOverview, startBackup } from './services/backups'
import { isAudited, type Caller } from './services/caller'
import { exportDigest, integrityStatus, verifyIntegrity } from './services/integrity'
import { getCustomer, searchCustomers } from './services/customers'
import { previewDailyJournal, previewForm, printDailyJournal, printForm } from './services/forms'
import { recordEvent } from './services/events'
import { exportCustomers, exportFigures, exportJournal, exportRequests } from './services/exports'
import { summarizeFigures } from './services/figures'
import { chooseImportFile, importJob, inspectImport, startImport } from './services/imports'
import { getSettings, updateSettings } from './services/settings'
import {
  approveRequest,
  decideUnlock,
  getRequest,
  pendingReview,
  receiveRequest,
  resubmitRequest,
  returnedToMe,
  returnRequest,
  withdrawRequest,
} from './services/requests'
import { createStaff, listStaff, resetStaffPassword, unlockStaff } from './services/staff'

type Handler<K extends OperationName> = (ctx: AppContext, input: OpParsed<K>, caller: Caller) => OpOutput<K> | Promise<OpOutput<K>>

const handlers: { [K in OperationName]: Handler<K> } = {
  'system.info': (ctx) => ({
    appName: '窓口OTP事務',
    version: ctx.version,
    demo: ctx.demo,
    transport: ctx.transport,
    schemaVersion: LATEST_SCHEMA_VERSION,
  }),
  'auth.state': (ctx, _i, caller) => authState(ctx, caller),
  'auth.setupFirstAdmin': setupFirstAdmin,
  'auth.login': login,
  'auth.logout': (ctx, _i, caller) => logout(ctx, caller),
  'staff.list': (ctx) => listStaff(ctx),
  'staff.create': createStaff,
  'staff.unlock': unlockStaff,
  'staff.resetPassword': resetStaffPassword,
  'settings.get': (ctx) => getSettings(ctx.db),
  'settings.update': updateSettings,
  'customers.search': (ctx, input) => searchCustomers(ctx, input),
  'customers.get': (ctx, input) => getCustomer(ctx, input),
  'requests.receiveNewApplication': (ctx, input, caller) => receiveRequest(ctx, 'new_application', input, caller),
  'requests.receiveSuspension': (ctx, input, caller) => receiveRequest(ctx, 'suspension', input, caller),
  'requests.receiveResumption': (ctx, input, caller) => receiveRequest(ctx, 'resumption', input, caller),
  'requests.receiveCancellation': (ctx, input, caller) => receiveRequest(ctx, 'cancellation', input, caller),
  'requests.receiveRestrictionRelease': (ctx, input, caller) => receiveRequest(ctx, 'restriction_release', input, caller),
  'requests.receiveUnlock': (ctx, input, caller) => receiveRequest(ctx, 'unlock', input, caller),
  'requests.decideUnlock': decideUnlock,
  'requests.get': (ctx, input) => getRequest(ctx, input),
  'requests.pendingReview': (ctx) => pendingReview(ctx),
  'requests.returnedToMe': (ctx, _i, caller) => returnedToMe(ctx, caller),
  'requests.approve': approveRequest,
  'requests.return': returnRequest,
  'requests.resubmit': resubmitRequest,
  'requests.withdraw': withdrawRequest,
  'events.record': recordEvent,
  'forms.preview': previewForm,
  'forms.print': printForm,
  'forms.previewDailyJournal': previewDailyJournal,
  'forms.printDailyJournal': printDailyJournal,
  'backups.overview': (ctx) => backupOverview(ctx),
  'backups.start': startBackup,
  'integrity.status': (ctx) => integrityStatus(ctx),
  'integrity.verify': verifyIntegrity,
  'integrity.exportDigest': exportDigest,
  'imports.chooseFile': chooseImportFile,
  'imports.inspect': (ctx, input) => inspectImport(ctx, input),
  'imports.start': startImport,
  'imports.job': (ctx, input) => importJob(ctx, input),
  'exports.requests': exportRequests,
  'exports.journal': exportJournal,
  'exports.customers': exportCustomers,
  'exports.figures': exportFigures,
  'figures.summary': (ctx, input) => summarizeFigures(ctx, input),
}

function fail(error: AppError): Result<never> {
  return { ok: false, error: error.toPayload() }
}

/** A refused command leaves an audit row and nothing else. If even that write fails (disk full),
 * the refusal still reaches the caller and the failure goes to the log. */
function auditRefusal(ctx: AppContext, user: SessionUser, op: OperationName, detail: Record<string, unknown>): void {
  try {
    writeAudit(ctx.db, {
      at: ctx.clock().toISOString(),
      actorId: user.staffId,
      actorLoginId: user.loginId,
      action: op,
      outcome: 'refused',
      detail,
    })
  } catch (err) {
    ctx.logger.error({ code: 'AUDIT_WRITE_FAILED', op, err }, 'could not audit a refusal')
  }
}

/** The most a payload may carry, counted in characters of its strings and keys (plus a little per
 * value): far above any paper form, far below what would make validation costly. */
export const MAX_PAYLOAD_UNITS = 64 * 1024

/** Whether a payload (from IPC or the bridge, already deserialised) is over the cap. Stops as soon
 * as it is, so a 10 MB string or a million-element array costs next to nothing. */
export function payloadTooLarge(payload: unknown, max = MAX_PAYLOAD_UNITS): boolean {
  let left = max
  const stack: unknown[] = [payload]
  while (stack.length) {
    const v = stack.pop()
    if (typeof v === 'string') left -= v.length
    else if (v && typeof v === 'object') {
      for (const k in v as object) {
        left -= k.length + 1
        if (left < 0) return true
        stack.push((v as Record<string, unknown>)[k])
      }
    } else left -= 8
    if (left < 0) return true
  }
  return false
}

/**
 * Runs one operation and always answers an envelope: whatever fails (the disk, the file, the
 * log, a bug), nothing is thrown out of here, so the IPC handler and the bridge never see an
 * exception. Storage failures answer their own Japanese message; the code goes to the log when
 * the log can be written.
 */
export async function dispatch(ctx: AppContext, op: unknown, payload: unknown, sessionKey: string): Promise<Result<unknown>> {
  try {
    return await run(ctx, op, payload, sessionKey)
  } catch (err) {
    const code = storageFailureCode(err) ?? 'INTERNAL'
    try {
      ctx.logger.error({ code, op: String(op).slice(0, 100), err }, 'operation failed outside its handler')
    } catch {
      // the log cannot be written either; the answer below still reaches the user
    }
    return fail(new AppError(code))
  }
}

async function run(ctx: AppContext, op: unknown, payload: unknown, sessionKey: string): Promise<Result<unknown>> {
  if (!isOperationName(op)) {
    ctx.logger.warn({ code: 'UNKNOWN_OPERATION', op: String(op).slice(0, 100) }, 'refused unknown operation')
    return fail(new AppError('UNKNOWN_OPERATION'))
  }
  if (payloadTooLarge(payload)) {
    ctx.logger.warn({ code: 'PAYLOAD_TOO_LARGE', op }, 'refused: payload over the cap')
    return fail(new AppError('PAYLOAD_TOO_LARGE'))
  }
  const def = contract[op]
  const user = ctx.sessions.get(sessionKey)
  const caller: Caller = { sessionKey, user }

  if (def.access !== 'public') {
    if (!user) {
      ctx.logger.info({ code: 'NOT_AUTHENTICATED', op }, 'refused: no session')
      return fail(new AppError('NOT_AUTHENTICATED'))
    }
    if (def.access !== 'any-user' && !def.access.includes(user.role)) {
      auditRefusal(ctx, user, op, { reason: 'FORBIDDEN_ROLE', role: user.role })
      ctx.logger.warn({ code: 'FORBIDDEN_ROLE', op, staffId: user.staffId, role: user.role }, 'refused: role')
      return fail(new AppError('FORBIDDEN_ROLE'))
    }
  }

  const parsed = def.input.safeParse(payload ?? {})
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error)
    ctx.logger.info({ code: 'VALIDATION_FAILED', op, fields: Object.keys(fields) }, 'refused: payload')
    return fail(new AppError('VALIDATION_FAILED', undefined, fields))
  }

  try {
    const handler = handlers[op] as Handler<typeof op>
    const value = await handler(ctx, parsed.data as never, caller)
    return { ok: true, value }
  } catch (err) {
    if (err instanceof AppError) {
      ctx.logger.info({ code: err.code, op, staffId: user?.staffId }, 'refused by service')
      if (def.kind === 'command' && user && !isAudited(err) && err.code !== 'VALIDATION_FAILED') {
        auditRefusal(ctx, user, op, { reason: err.code })
      }
      return fail(err)
    }
    const code = storageFailureCode(err)
    if (code) {
      // The disk or the file failed: the transaction was rolled back and nothing was recorded.
      ctx.logger.error({ code, op, staffId: user?.staffId, err }, 'storage failure')
      return fail(new AppError(code))
    }
    ctx.logger.error({ code: 'INTERNAL', op, err }, 'operation failed')
    return fail(new AppError('INTERNAL'))
  }
}
