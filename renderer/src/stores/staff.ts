// Staff accounts (administrators only): list, create, unlock after five wrong passwords, reset a
// forgotten password, change a role, rename, retire.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { call } from '../api/client'
import type { OpInput } from '../../../shared/contract'
import type { StaffSummary } from '../../../shared/types'
import type { Outcome } from '../lib/outcome'
import { useNotifyStore } from './notify'

export const useStaffStore = defineStore('staff', () => {
  const list = ref<StaffSummary[]>([])
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      const r = await useNotifyStore().attempt(() => call('staff.list', {}))
      if (r.ok) list.value = r.value
    } finally {
      loading.value = false
    }
  }

  async function create(input: OpInput<'staff.create'>): Promise<Outcome<StaffSummary>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => call('staff.create', input))
    if (r.ok) {
      notify.success(`職員「${r.value.name}」（${r.value.loginId}）を登録しました。`)
      await load()
    }
    return r
  }

  async function unlock(staffId: number): Promise<Outcome<StaffSummary>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => call('staff.unlock', { staffId }))
    if (r.ok) {
      notify.success(`職員「${r.value.name}」のロックを解除しました。`)
      await load()
    }
    return r
  }

  /** Runs a change, tells its outcome in the one notification place, reloads the list. */
  async function change<T extends StaffSummary>(fn: () => Promise<T>, done: (s: T) => string): Promise<Outcome<T>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(fn)
    if (r.ok) {
      notify.success(done(r.value))
      await load()
    }
    return r
  }

  const resetPassword = (input: OpInput<'staff.resetPassword'>) =>
    change(() => call('staff.resetPassword', input), (s) => `職員「${s.name}」のパスワードを再設定しました（次のログインで本人が変更します）。`)
  const changeRole = (input: OpInput<'staff.changeRole'>) =>
    change(() => call('staff.changeRole', input), (s) => `職員「${s.name}」の役割を変更しました。`)
  const rename = (input: OpInput<'staff.rename'>) => change(() => call('staff.rename', input), (s) => `氏名を「${s.name}」に変更しました。`)
  const retire = (input: OpInput<'staff.retire'>) =>
    change(() => call('staff.retire', input), (s) => `職員「${s.name}」（${s.loginId}）を退職・異動として登録しました。`)

  function reset(): void {
    list.value = []
  }

  return { list, loading, load, create, unlock, resetPassword, changeRole, rename, retire, reset }
})
