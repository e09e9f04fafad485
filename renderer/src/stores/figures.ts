// 集計 (supervisors): the figures of a period, aggregated by the main process in SQL.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { call } from '../api/client'
import type { FiguresSummary } from '../../../shared/exportFormat'
import type { Outcome } from '../lib/outcome'
import { useNotifyStore } from './notify'

export const useFiguresStore = defineStore('figures', () => {
  const summary = ref<FiguresSummary | null>(null)
  const loading = ref(false)

  async function load(period: { from: string; to: string; branchCode?: string | null }): Promise<Outcome<FiguresSummary>> {
    loading.value = true
    try {
      const r = await useNotifyStore().attempt(() => call('figures.summary', period))
      if (r.ok) summary.value = r.value
      return r
    } finally {
      loading.value = false
    }
  }

  return { summary, loading, load }
})
