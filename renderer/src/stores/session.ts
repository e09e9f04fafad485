// Who is logged in at this terminal (the main side holds the session; this mirrors it), whether the
// ledger still needs its first administrator, and what the app is (demo or not).
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { call } from '../api/client'
import type { OpInput } from '../../../shared/contract'
import { ROLE_LABELS, type StaffRole } from '../../../shared/schemas'
import type { SessionUser, SystemInfo } from '../../../shared/types'
import type { Outcome } from '../lib/outcome'
import { useCustomersStore } from './customers'
import { useFormsStore } from './forms'
import { useNotifyStore } from './notify'
import { useRequestsStore } from './requests'
import { useSettingsStore } from './settings'
import { useStaffStore } from './staff'

export const useSessionStore = defineStore('session', () => {
  const user = ref<SessionUser | null>(null)
  const needsSetup = ref(false)
  const info = ref<SystemInfo | null>(null)
  const loaded = ref(false)
  /** Set when the main side cannot be reached at all: shown instead of the screens. */
  const fatal = ref<string | null>(null)
  /** Why the last session ended without a logout (shown on the login screen). */
  const endedReason = ref<string | null>(null)
  /** The idle time after which the window locks (the main side's, from auth.state). */
  const idleMs = ref(30 * 60 * 1000)

  const role = computed<StaffRole | null>(() => user.value?.role ?? null)
  const roleLabel = computed(() => (user.value ? ROLE_LABELS[user.value.role] : ''))
  const isDemo = computed(() => info.value?.demo === true)

  async function refresh(): Promise<boolean> {
    const notify = useNotifyStore()
    const r = await notify.attempt(async () => {
      const [state, sys] = await Promise.all([call('auth.state', {}), call('system.info', {})])
      return { state, sys }
    })
    if (!r.ok) {
      fatal.value = r.error.message
      return false
    }
    fatal.value = null
    needsSetup.value = r.value.state.needsSetup
    user.value = r.value.state.user
    idleMs.value = r.value.state.sessionIdleMs
    info.value = r.value.sys
    loaded.value = true
    return true
  }

  async function ensureLoaded(): Promise<boolean> {
    return loaded.value ? true : refresh()
  }

  /** Login errors are shown on the login form itself (its error area), not in the snackbar. */
  async function login(input: OpInput<'auth.login'>): Promise<Outcome<SessionUser>> {
    const r = await useNotifyStore().attempt(() => call('auth.login', input), { silent: true })
    if (r.ok) {
      user.value = r.value
      endedReason.value = null
      useNotifyStore().dismiss()
    }
    return r
  }

  async function setupFirstAdmin(input: OpInput<'auth.setupFirstAdmin'>): Promise<Outcome<SessionUser>> {
    const r = await useNotifyStore().attempt(() => call('auth.setupFirstAdmin', input), { silent: true })
    if (r.ok) {
      user.value = r.value
      needsSetup.value = false
    } else if (r.error.code === 'SETUP_ALREADY_DONE') {
      needsSetup.value = false
    }
    return r
  }

  function clearData(): void {
    useCustomersStore().reset()
    useRequestsStore().reset()
    useFormsStore().reset()
    useStaffStore().reset()
    useSettingsStore().reset()
  }

  async function logout(): Promise<void> {
    await useNotifyStore().attempt(() => call('auth.logout', {}), { silent: true })
    user.value = null
    endedReason.value = null
    clearData()
  }

  /** The main side no longer knows this terminal's session (idle timeout, lockout, reset,
   * retirement, role change). */
  function expire(): void {
    if (!user.value) return
    user.value = null
    endedReason.value = 'ログインの有効期限が切れました。もう一度ログインしてください。'
    clearData()
  }

  /** The main side ended every session on purpose (the ledger was restored from a backup): back
   * to the login screen, which says why. */
  function endedBy(reason: string): void {
    user.value = null
    endedReason.value = reason
    clearData()
  }

  /** Nobody used the window for the idle time: cleared and locked at once, here; the main side's
   * session ends at the same moment (and is logged out, in case it had not). */
  function lockIdle(): void {
    if (!user.value) return
    user.value = null
    endedReason.value = '一定時間操作がなかったため、画面をロックしました。もう一度ログインしてください。'
    clearData()
    void useNotifyStore().attempt(() => call('auth.logout', {}), { silent: true })
  }

  /** パスワード変更: on success the session goes on, its one-time flag cleared. */
  async function changePassword(input: OpInput<'auth.changePassword'>): Promise<Outcome<SessionUser>> {
    const r = await useNotifyStore().attempt(() => call('auth.changePassword', input), { silent: true })
    if (r.ok) user.value = r.value
    return r
  }

  return {
    user,
    needsSetup,
    info,
    loaded,
    fatal,
    endedReason,
    idleMs,
    role,
    roleLabel,
    isDemo,
    refresh,
    ensureLoaded,
    login,
    setupFirstAdmin,
    logout,
    expire,
    endedBy,
    lockIdle,
    changePassword,
  }
})
