// Types of scripts/sandbox.mjs, for the TypeScript tests that use it.
export interface MachineProbe {
  platform: NodeJS.Platform
  uid: number | null
  electronPath: string
  sandboxPath: string
  sandboxStat: { uid: number; mode: number } | null
  apparmorRestrictsUserns: boolean
  usernsDisabled: boolean
}
export interface SandboxProblem {
  reason: 'root' | 'userns'
  ja: string
  en: string
}
export function apparmorProfile(electronPath: string): string
export function probeMachine(electronPath: string): MachineProbe
export function sandboxProblem(m: MachineProbe): SandboxProblem | null
export function devSandboxSwitches(electronPath: string): string[]
