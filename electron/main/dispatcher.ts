// The dispatcher: a plain function of (operation, payload, session key). Electron's ipcMain and
// the browser preview's HTTP bridge are two thin transports over it, and tests call it directly.
// Order: known operation -> caller from the main-side session -> role -> payload schema -> service.
import { contract, type OpOutput, type OpParsed } from '../../shared/contract'
import { AppError, type Result } from '../../shared/errors'
import { effectAllowed, isOperationName, type OperationName } from '../../shared/operations'
import { fieldErrors } from '../../shared/schemas'
import { LATEST_SCHEMA_VERSION } from '../../db/migrations'
import { writeAudit } from './audit'
import type { AppContext } from './context'
import { storageFailureCode } from './failures'
import { ledgerFailure } from '../../db/pg/ledger'
import { enterOperation, leaveOperation } from './inflight'
import { recordRefusal } from './refusals'
import type { SessionUser } from '../../shared/types'
import { authState, changeOwnPassword, login, logout, setupFirstAdmin } from './services/auth'
import { currentSessionUser } from './services/sessionCheck'
import { backupOverview, startBackup } from './services/backups'
import { restoreFromScreen } from './services/restore'
import { isAudited, type Caller } from './services/caller'
import { checkLedgerAnchor } from './services/anchorCheck'
import { exportDigest, integrityStatus, verifyIntegrity } from './services/integrity'
import { getCustomer, searchCustomers } from './services/customers'
import { previewDailyJournal, previewForm, printDailyJournal, printForm } from './services/forms'
import { recordEvent } from './services/events'
import { journalList } from './services/journal'
import { myDay } from './services/myRequests'
import { recordUnlockFraudRefusal } from './services/refusals'
import { exportAudit, exportCustomers, exportFigures, exportJournal, exportRequests } from './services/exports'
import { getAuditEntry, searchAuditLog } from './services/auditLog'
import { summarizeFigures } from './services/figures'
import { chooseImportFile, importJob, inspectImport, startImport } from './services/imports'
import { getSettings, updateSettings } from './services/settings'
import { listBranches } from './services/branchScope'
import {
  approveRequest,
  decideUnlock,
  pendingReview,
  readRequest,
  receiveRequest,
  resubmitRequest,
  returnedToMe,
  returnRequest,
  takeOverRequest,
  withdrawRequest,
} from './services/requests'
import { changeStaffRole, createStaff, listStaff, renameStaff, resetStaffPassword, retireStaff, unlockStaff } from './services/staff'

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
  'auth.changePassword': changeOwnPassword,
  'auth.activity': () => null, // the dispatcher renewed the session; nothing else to do
  'staff.list': (ctx) => listStaff(ctx),
  'staff.create': createStaff,
  'staff.unlock': unlockStaff,
  'staff.resetPassword': resetStaffPassword,
  'staff.changeRole': changeStaffRole,
  'staff.rename': renameStaff,
  'staff.retire': retireStaff,
  'settings.get': (ctx) => getSettings(ctx.db),
  'settings.update': updateSettings,
  'branches.list': (ctx) => listBranches(ctx),
  'customers.search': (ctx, input) => searchCustomers(ctx, input),
  'customers.get': (ctx, input) => getCustomer(ctx, input),
  'requests.receiveNewApplication': (ctx, input, caller) => receiveRequest(ctx, 'new_application', input, caller),
  'requests.receiveSuspension': (ctx, input, caller) => receiveRequest(ctx, 'suspension', input, caller),
  'requests.receiveResumption': (ctx, input, caller) => receiveRequest(ctx, 'resumption', input, caller),
  'requests.receiveCancellation': (ctx, input, caller) => receiveRequest(ctx, 'cancellation', input, caller),
  'requests.receiveRestrictionRelease': (ctx, input, caller) => receiveRequest(ctx, 'restriction_release', input, caller),
  'requests.receiveUnlock': (ctx, input, caller) => receiveRequest(ctx, 'unlock', input, caller),
  'requests.decideUnlock': decideUnlock,
  'requests.get': readRequest,
  'requests.pendingReview': pendingReview,
  'requests.returnedToMe': returnedToMe,
  'requests.approve': approveRequest,
  'requests.return': returnRequest,
  'requests.resubmit': resubmitRequest,
  'requests.withdraw': withdrawRequest,
  'requests.takeOver': takeOverRequest,
  'requests.myDay': (ctx, _i, caller) => myDay(ctx, caller),
  'refusals.recordUnlockFraud': recordUnlockFraudRefusal,
  'journal.list': journalList,
  'events.record': recordEvent,
  'forms.preview': previewForm,
  'forms.print': printForm,
  'forms.previewDailyJournal': previewDailyJournal,
  'forms.printDailyJournal': printDailyJournal,
  'backups.overview': (ctx) => backupOverview(ctx),
  'backups.start': startBackup,
  'backups.restore': restoreFromScreen,
  'integrity.status': (ctx) => integrityStatus(ctx),
  'integrity.verify': verifyIntegrity,
  'integrity.exportDigest': exportDigest,
  'integrity.checkAnchor': checkLedgerAnchor,
  'imports.chooseFile': chooseImportFile,
  'imports.inspect': (ctx, input) => inspectImport(ctx, input),
  'imports.start': startImport,
  'imports.job': (ctx, input) => importJob(ctx, input),
  'exports.requests': exportRequests,
  'exports.journal': exportJournal,
  'exports.customers': exportCustomers,
  'exports.figures': exportFigures,
  'figures.summary': summarizeFigures,
  'audit.search': searchAuditLog,
  'audit.entry': getAuditEntry,
  'exports.audit': exportAudit,
}

function fail(error: AppError): Result<never> {
  return { ok: false, error: error.toPayload() }
}

/** A refused command leaves an audit row and nothing else. If even that write fails (disk full),
 * the refusal still reaches the caller and the failure goes to the log. */
async function auditRefusal(ctx: AppContext, user: SessionUser, op: OperationName, detail: Record<string, unknown>): Promise<void> {
  try {
    await writeAudit(ctx.db, {
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
export async function dispatch(
  ctx: AppContext,
  op: unknown,
  payload: unknown,
  sessionKey: string,
  opts: DispatchOptions = {},
): Promise<Result<unknown>> {
  try {
    return await run(ctx, op, payload, sessionKey, opts)
  } catch (err) {
    // The shared ledger's server gone (or the connection broken at COMMIT) before the handler ran,
    // e.g. in the session check: the user is told so in Japanese, not 内部エラー.
    const lost = ctx.ledger.engine === 'postgres' ? ledgerFailure(err) : null
    if (lost) {
      ctx.logger.warn({ code: lost.code, op: String(op).slice(0, 100), err }, 'the ledger server could not be reached')
      return fail(lost)
    }
    const code = storageFailureCode(err) ?? 'INTERNAL'
    try {
      ctx.logger.error({ code, op: String(op).slice(0, 100), err }, 'operation failed outside its handler')
    } catch {
      // the log cannot be written either; the answer below still reaches the user
    }
    return fail(new AppError(code))
  }
}

/** How the transport saw the call. */
export interface DispatchOptions {
  /** The window made this call on its own (a refresh after another staff member's action, a
   * poll), not its person: it does not renew the session. Honoured for queries only: a command
   * is always something a person started. */
  background?: boolean
}

/** What a session whose password is one-time may still do: see itself, change it, log out. */
const DURING_PASSWORD_CHANGE: ReadonlySet<OperationName> = new Set(['system.info', 'auth.state', 'auth.logout', 'auth.changePassword', 'auth.activity'])

async function run(ctx: AppContext, op: unknown, payload: unknown, sessionKey: string, opts: DispatchOptions): Promise<Result<unknown>> {
  if (!isOperationName(op)) {
    ctx.logger.warn({ code: 'UNKNOWN_OPERATION', op: String(op).slice(0, 100) }, 'refused unknown operation')
    return fail(new AppError('UNKNOWN_OPERATION'))
  }
  if (payloadTooLarge(payload)) {
    ctx.logger.warn({ code: 'PAYLOAD_TOO_LARGE', op }, 'refused: payload over the cap')
    return fail(new AppError('PAYLOAD_TOO_LARGE'))
  }
  const def = contract[op]
  const background = opts.background === true && def.kind === 'query'
  // The session, renewed unless the window called on its own; then checked against the staff row
  // (a lockout, reset, retirement or role change since the login ends it here, in any process).
  const user = await currentSessionUser(ctx, sessionKey, background ? ctx.sessions.peek(sessionKey) : ctx.sessions.get(sessionKey))
  const caller: Caller = { sessionKey, user }

  // 本部 reads every branch and changes nothing: refused here, once, from the effect each operation
  // declares (shared/operations.ts), before its role or payload is looked at.
  if (user && !effectAllowed(user.role, op)) {
    await recordRefusal(ctx, sessionKey, { user, op, reason: 'HEAD_OFFICE_READ_ONLY', detail: { role: user.role } })
    ctx.logger.warn({ code: 'HEAD_OFFICE_READ_ONLY', op, staffId: user.staffId }, 'refused: head office is read-only')
    return fail(new AppError('HEAD_OFFICE_READ_ONLY'))
  }
  if (def.access !== 'public') {
    if (!user) {
      ctx.logger.info({ code: 'NOT_AUTHENTICATED', op }, 'refused: no session')
      return fail(new AppError('NOT_AUTHENTICATED'))
    }
    if (def.access !== 'any-user' && !def.access.includes(user.role)) {
      await recordRefusal(ctx, sessionKey, { user, op, reason: 'FORBIDDEN_ROLE', detail: { role: user.role } })
      ctx.logger.warn({ code: 'FORBIDDEN_ROLE', op, staffId: user.staffId, role: user.role }, 'refused: role')
      return fail(new AppError('FORBIDDEN_ROLE'))
    }
    if (user.mustChangePassword && !DURING_PASSWORD_CHANGE.has(op)) {
      if (def.kind === 'command') await auditRefusal(ctx, user, op, { reason: 'PASSWORD_CHANGE_REQUIRED' })
      ctx.logger.info({ code: 'PASSWORD_CHANGE_REQUIRED', op, staffId: user.staffId }, 'refused: one-time password not changed')
      return fail(new AppError('PASSWORD_CHANGE_REQUIRED'))
    }
  }

  const parsed = def.input.safeParse(payload ?? {})
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error)
    ctx.logger.info({ code: 'VALIDATION_FAILED', op, fields: Object.keys(fields) }, 'refused: payload')
    // A logged-in user's malformed call is on the trail too (field names only, never the values).
    if (user) await recordRefusal(ctx, sessionKey, { user, op, reason: 'VALIDATION_FAILED', fields: Object.keys(fields) })
    return fail(new AppError('VALIDATION_FAILED', undefined, fields))
  }

  enterOperation(ctx)
  try {
    const handler = handlers[op] as Handler<typeof op>
    const value = await handler(ctx, parsed.data as never, caller)
    return { ok: true, value }
  } catch (err) {
    // The server unreachable under a query (drizzle wraps what a query throws) or at COMMIT: nothing
    // was written (LEDGER_UNREACHABLE) or the outcome is unknown (LEDGER_COMMIT_UNKNOWN). Not a
    // refusal to audit: the audit could not be written either.
    const lost = ctx.ledger.engine === 'postgres' ? ledgerFailure(err) : null
    if (lost) {
      ctx.logger.warn({ code: lost.code, op, staffId: user?.staffId, err }, 'the ledger server could not be reached')
      return fail(lost)
    }
    if (err instanceof AppError) {
      ctx.logger.info({ code: err.code, op, staffId: user?.staffId }, 'refused by service')
      if (def.kind === 'command' && user && !isAudited(err)) {
        // A service's own field check (a date in the future...) is a refusal like any other.
        if (err.code === 'VALIDATION_FAILED') await recordRefusal(ctx, sessionKey, { user, op, reason: err.code, fields: Object.keys(err.fields ?? {}) })
        else await auditRefusal(ctx, user, op, { reason: err.code })
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
  } finally {
    leaveOperation(ctx)
  }
}
