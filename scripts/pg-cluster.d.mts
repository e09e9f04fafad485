// Types of scripts/pg-cluster.mjs, for the TypeScript tests that use it.
export function pgBinDir(): string | null
export function pgUnavailable(): string | null
export function startCluster(opts?: { log?: (message: string) => void }): {
  url: string
  dir: string
  stop: () => void
  /** pg_ctl restart -m fast: every connection ends; the same socket afterwards. */
  restart: () => void
}
