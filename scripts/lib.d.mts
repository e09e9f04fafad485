// Types of scripts/lib.mjs, for the TypeScript tests that use it.
export const root: string
export function commandLine(
  cmd: string,
  args: string[],
  opts?: { platform?: NodeJS.Platform; exists?: (file: string) => boolean },
): { file: string; args: string[]; shell: boolean }
export function run(cmd: string, args: string[], opts?: import('node:child_process').SpawnSyncOptions): number
export function electronBinary(): string | null
export function fetchElectron(): string | null
export function buildIsFresh(): boolean
export function ensureBuild(): number
