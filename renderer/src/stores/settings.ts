// Branch settings (支店設定): read by any logged-in user, changed by administrators: the period
// within which a repeated 閉塞解除 needs the supervisor's acknowledgement, and what the forms print.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { call } from '../api/client'
import type { OpInput } from '../../../shared/contract'
import type { BranchSettings } from '../../../shared/schemas'
import type { Outcome } from '../lib/outcome'
import { useNotifyStore } from './notify'

export const useSettingsStore = defineStore('settings', () => {
  const current = ref<BranchSettings | null>(null)
  const loading = ref(false)

  async function load(): Promise<Outcome<BranchSettings>> {
    loading.value = true
    try {
      const r = await useNotifyStore().attempt(() => call('settings.get', {}))
      if (r.ok) current.value = r.value
      return r
    } finally {
      loading.value = false
    }
  }

  async function update(input: OpInput<'settings.update'>): Promise<Outcome<BranchSettings>> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => call('settings.update', input))
    if (r.ok) {
      current.value = r.value
      notify.success(`支店設定を保存しました（閉塞解除の繰り返し確認期間：${r.value.unlockRepeatDays}日${r.value.institutionName ? `、金融機関名：${r.value.institutionName}` : ''}）。`)
    }
    return r
  }

  function reset(): void {
    current.value = null
  }

  return { current, loading, load, update, reset }
})
