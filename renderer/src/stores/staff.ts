// Staff accounts (administrators only): list, create, unlock after five wrong passwords, reset a
// forgotten password.
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

  async function resetPassword(staffId: number, password: string): Promise<Outcome<StaffSummary>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => call('staff.resetPassword', { staffId, password }))
    if (r.ok) {
      notify.success(`職員「${r.value.name}」のパスワードを再設定しました。`)
      await load()
    }
    return r
  }

  function reset(): void {
    list.value = []
  }

  return { list, loading, load, create, unlock, resetPassword, reset }
})
