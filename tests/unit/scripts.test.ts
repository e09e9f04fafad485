// The project scripts' launch helpers (scripts/lib.mjs, scripts/sandbox.mjs): Node 22 for every
// script, .bin tools on Windows, and Chromium's sandbox on Linux.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { commandLine, root } from '../../scripts/lib.mjs'
import { apparmorProfile, probeMachine, sandboxProblem, type MachineProbe } from '../../scripts/sandbox.mjs'

const major = (v: string): number => Number(v.replace(/^v/, '').split('.')[0])
/** PATH without node_modules/.bin, as a shell outside npm has it. */
const plainPath = (process.env.PATH ?? '')
  .split(path.delimiter)
  .filter((p) => !p.includes(`node_modules${path.sep}.bin`))
  .join(path.delimiter)

describe('Node 22 everywhere', () => {
  test('these tests run on Node >= 22.12 (better-sqlite3 13 needs it)', () => {
    const [maj, min] = process.versions.node.split('.').map(Number)
    expect(maj! > 22 || (maj === 22 && min! >= 12)).toBe(true)
  })

  test('npm scripts find the node dev dependency first on PATH, whatever the system Node is', () => {
    const r = spawnSync('npm', ['exec', '--no', '--', 'node', '-p', 'process.versions.node'], { cwd: root, encoding: 'utf8', env: { ...process.env, PATH: plainPath } })
    expect(r.status, r.stderr).toBe(0)
    expect(major(r.stdout.trim())).toBe(22)
  })

  const systemNode = spawnSync('node', ['-p', 'process.versions.node'], { encoding: 'utf8', env: { ...process.env, PATH: plainPath } })
  const systemMajor = systemNode.status === 0 ? major(systemNode.stdout.trim()) : null
  test.runIf(systemMajor !== null && systemMajor < 22)(`a script started by hand with the system Node (${systemMajor}) hands itself over to Node 22`, () => {
    const probe = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'otp-handover-')), 'probe.mjs')
    fs.writeFileSync(probe, `import ${JSON.stringify(path.join(root, 'scripts/lib.mjs'))}\nconsole.log(process.versions.node)\n`)
    const r = spawnSync('node', [probe], { encoding: 'utf8', env: { ...process.env, PATH: plainPath, OTP_NODE_HANDOVER: '' } })
    expect(r.status, r.stderr).toBe(0)
    expect(major(r.stdout.trim())).toBe(22)
  })
})

describe('.bin tools on Windows', () => {
  test('POSIX: the tool of node_modules/.bin, spawned directly', () => {
    expect(commandLine('vitest', ['run', 'a b'], { platform: 'linux', exists: () => true })).toEqual({
      file: path.posix.join(root, 'node_modules', '.bin', 'vitest'),
      args: ['run', 'a b'],
      shell: false,
    })
  })

  test('Windows: the .cmd shim through cmd.exe, every argument quoted that needs it', () => {
    const c = commandLine('electron-vite', ['build', '--outDir=C:\\My Files\\out', 'say "hi"', '--x=1'], { platform: 'win32', exists: (f) => f.endsWith('electron-vite.cmd') })
    expect(c.shell).toBe(true)
    expect(c.file).toMatch(/node_modules\\\.bin\\electron-vite\.cmd"?$/)
    expect(c.args).toEqual(['build', '"--outDir=C:\\My Files\\out"', '"say ""hi"""', '--x=1'])
  })

  test('Windows: a tool not in .bin is left to cmd.exe (PATH and PATHEXT), still through the shell', () => {
    expect(commandLine('npm', ['ci'], { platform: 'win32', exists: () => false })).toEqual({ file: 'npm', args: ['ci'], shell: true })
  })
})

describe("Chromium's sandbox on Linux", () => {
  const base: MachineProbe = {
    platform: 'linux',
    uid: 1000,
    electronPath: '/home/sato/otp/node_modules/electron/dist/electron',
    sandboxPath: '/home/sato/otp/node_modules/electron/dist/chrome-sandbox',
    sandboxStat: { uid: 1000, mode: 0o100755 },
    apparmorRestrictsUserns: false,
    usernsDisabled: false,
  }

  test('user namespaces available: nothing to do', () => {
    expect(sandboxProblem(base)).toBeNull()
    expect(sandboxProblem({ ...base, platform: 'win32', uid: 0 })).toBeNull()
  })

  test('Ubuntu 23.10+ (AppArmor restricts user namespaces), chrome-sandbox as npm unpacked it: both fixes, in Japanese and English', () => {
    const p = sandboxProblem({ ...base, apparmorRestrictsUserns: true })!
    expect(p.reason).toBe('userns')
    const chown = `sudo chown root:root "${base.sandboxPath}" && sudo chmod 4755 "${base.sandboxPath}"`
    for (const text of [p.ja, p.en]) {
      expect(text).toContain(chown)
      expect(text).toContain(apparmorProfile(base.electronPath))
      expect(text).toContain('sudo apparmor_parser -r /etc/apparmor.d/madoguchi-otp-electron')
    }
    expect(p.ja).toContain('AppArmor で非特権ユーザー名前空間を制限')
    expect(p.en).toContain('AppArmor')
    expect(apparmorProfile(base.electronPath)).toContain(`profile madoguchi-otp-electron "${base.electronPath}" flags=(unconfined) {\n  userns,`)
  })

  test('user namespaces restricted, but chrome-sandbox is root-owned 4755: the setuid sandbox runs', () => {
    expect(sandboxProblem({ ...base, usernsDisabled: true, sandboxStat: { uid: 0, mode: 0o104755 } })).toBeNull()
    expect(sandboxProblem({ ...base, usernsDisabled: true, sandboxStat: { uid: 0, mode: 0o100755 } })?.reason).toBe('userns')
    expect(sandboxProblem({ ...base, usernsDisabled: true, sandboxStat: null })?.reason).toBe('userns')
  })

  test('as root Chromium never runs sandboxed', () => {
    const p = sandboxProblem({ ...base, uid: 0 })!
    expect(p.reason).toBe('root')
    expect(p.ja).toContain('通常のユーザーで起動してください')
    expect(p.en).toContain('normal user')
  })

  test('probeMachine reads chrome-sandbox beside the binary (owner and setuid bit)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otp-sandbox-'))
    const electron = path.join(dir, 'electron')
    fs.writeFileSync(electron, '')
    expect(probeMachine(electron).sandboxStat).toBeNull()
    fs.writeFileSync(path.join(dir, 'chrome-sandbox'), '')
    fs.chmodSync(path.join(dir, 'chrome-sandbox'), 0o4755)
    const m = probeMachine(electron)
    expect(m.sandboxPath).toBe(path.join(dir, 'chrome-sandbox'))
    expect(m.sandboxStat!.mode & 0o7777).toBe(0o4755)
    expect(m.sandboxStat!.uid).toBe(process.getuid!())
    expect(m.uid).toBe(process.getuid!())
  })
})
