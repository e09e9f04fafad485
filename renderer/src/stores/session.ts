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

  /** The main side no longer knows this terminal's session (idle timeout, lockout). */
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

  return {
    user,
    needsSetup,
    info,
    loaded,
    fatal,
    endedReason,
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
  }
})
