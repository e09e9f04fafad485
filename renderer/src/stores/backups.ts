// Backups (administrators only): the list with each backup's check, free disk space, and a
// backup started now, followed while it runs.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { call, inBackground } from '../api/client'
import type { BackupOverview, BackupRestored } from '../../../shared/types'
import type { Outcome } from '../lib/outcome'
import { dateTime } from '../lib/format'
import { useNotifyStore } from './notify'
import { useSessionStore } from './session'

/** How often the screen asks for the progress of a running backup. */
const POLL_MS = 400

export const useBackupsStore = defineStore('backups', () => {
  const overview = ref<BackupOverview | null>(null)
  const loading = ref(false)
  let timer: ReturnType<typeof setTimeout> | null = null
  const running = computed(() => overview.value?.job?.state === 'running')

  async function load(opts: { silent?: boolean } = {}): Promise<void> {
    loading.value = true
    try {
      const r = await useNotifyStore().attempt(() => call('backups.overview', {}), opts)
      if (r.ok) overview.value = r.value
    } finally {
      loading.value = false
    }
  }

  /** Follows a running backup until it ends, then says how it went. */
  function follow(): void {
    if (timer) return
    const tick = async () => {
      timer = null
      await inBackground(() => load({ silent: true }))
      const job = overview.value?.job
      if (job?.state === 'running') timer = setTimeout(() => void tick(), POLL_MS)
      else if (job?.state === 'done') useNotifyStore().success(`バックアップを作成し、検証しました（${job.result?.name ?? ''}）。`)
      else if (job?.state === 'failed') useNotifyStore().show('error', job.error ?? 'バックアップに失敗しました。')
    }
    timer = setTimeout(() => void tick(), POLL_MS)
  }

  async function start(): Promise<void> {
    const r = await useNotifyStore().attempt(() => call('backups.start', {}))
    if (!r.ok) return
    if (overview.value) overview.value = { ...overview.value, job: r.value }
    follow()
  }

  /** Restores a listed backup (the administrator's password again). On success every session has
   * ended: the login screen says what was restored and where the replaced ledger is kept. Errors
   * are shown by the dialog itself (its fields and its error area). */
  async function restore(name: string, password: string): Promise<Outcome<BackupRestored>> {
    const r = await useNotifyStore().attempt(() => call('backups.restore', { name, password }), { silent: true })
    if (!r.ok) return r
    stop()
    overview.value = null
    const v = r.value
    useSessionStore().endedBy(
      `台帳をバックアップ「${v.name}」（${dateTime(v.createdAt)} 作成）の時点に戻しました。` +
        (v.replacedDir ? `置き換えた台帳は ${v.replacedDir} に保管しています。` : '') +
        (v.formsCopied ? `帳票PDF ${v.formsCopied} 件をバックアップから戻しました。` : '') +
        'すべての職員がログアウトしました。もう一度ログインしてください。',
    )
    return r
  }

  function stop(): void {
    if (timer) clearTimeout(timer)
    timer = null
  }

  return { overview, loading, running, load, start, follow, restore, stop }
})
