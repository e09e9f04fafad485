// Chromium's sandbox on Linux, checked before `npm start` / `npm run dev` launch Electron.
// Chromium sandboxes its renderers with unprivileged user namespaces, or failing those with the
// setuid helper `chrome-sandbox` beside the Electron binary (owned by root, mode 4755). Ubuntu
// 23.10 and later restrict user namespaces with AppArmor, and npm unpacks chrome-sandbox as the
// user: Electron then aborts at once. As root, Chromium refuses to start sandboxed at all.
// sandboxProblem() says which case applies and the exact fix, in Japanese and English; the dev
// scripts then start with --no-sandbox and a warning. A packaged app never does (its main
// process refuses the switch; the deb's install script sets chrome-sandbox up).
import fs from 'node:fs'
import path from 'node:path'

const PROFILE = 'madoguchi-otp-electron'

/** The AppArmor profile that lets this Electron binary create user namespaces (Ubuntu's own fix). */
export function apparmorProfile(electronPath) {
  return [
    'abi <abi/4.0>,',
    'include <tunables/global>',
    '',
    `profile ${PROFILE} "${electronPath}" flags=(unconfined) {`,
    '  userns,',
    `  include if exists <local/${PROFILE}>`,
    '}',
  ].join('\n')
}

const read = (file) => {
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    return null
  }
}

/** Whether an AppArmor profile already grants this binary user namespaces. */
function profileGrantsUserns(electronPath, dir = '/etc/apparmor.d') {
  try {
    return fs.readdirSync(dir).some((f) => {
      const text = read(path.join(dir, f)) ?? ''
      return text.includes(electronPath) && /\buserns\b/.test(text)
    })
  } catch {
    return false
  }
}

/** What the machine says, gathered in one place so that tests can pass their own. */
export function probeMachine(electronPath) {
  const sandbox = path.join(path.dirname(electronPath), 'chrome-sandbox')
  let sandboxStat = null
  try {
    const s = fs.statSync(sandbox)
    sandboxStat = { uid: s.uid, mode: s.mode }
  } catch {
    /* missing */
  }
  return {
    platform: process.platform,
    uid: process.getuid?.() ?? null,
    electronPath,
    sandboxPath: sandbox,
    sandboxStat,
    apparmorRestrictsUserns: read('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1' && !profileGrantsUserns(electronPath),
    usernsDisabled: read('/proc/sys/kernel/unprivileged_userns_clone') === '0' || read('/proc/sys/user/max_user_namespaces') === '0',
  }
}

/**
 * null when Chromium's sandbox can run; otherwise { reason, ja, en } with the fix to print.
 * reason: 'root' (Chromium never runs sandboxed as root) or 'userns' (no user namespaces, and
 * chrome-sandbox is not root-owned 4755).
 */
export function sandboxProblem(m) {
  if (m.platform !== 'linux') return null
  if (m.uid === 0) {
    return {
      reason: 'root',
      ja: 'root ユーザーでは Chromium のサンドボックスを使えません。通常のユーザーで起動してください。',
      en: "Chromium's sandbox cannot run as root. Start the app as a normal user.",
    }
  }
  if (!m.apparmorRestrictsUserns && !m.usernsDisabled) return null
  const setuidOk = m.sandboxStat !== null && m.sandboxStat.uid === 0 && (m.sandboxStat.mode & 0o4755) === 0o4755
  if (setuidOk) return null
  const chown = `sudo chown root:root "${m.sandboxPath}" && sudo chmod 4755 "${m.sandboxPath}"`
  const profileFile = `/etc/apparmor.d/${PROFILE}`
  const apparmor = [`sudo tee ${profileFile} > /dev/null <<'EOF'`, apparmorProfile(m.electronPath), 'EOF', `sudo apparmor_parser -r ${profileFile}`].join('\n')
  const why = m.apparmorRestrictsUserns
    ? { ja: 'この Linux は AppArmor で非特権ユーザー名前空間を制限しています（Ubuntu 23.10 以降）', en: 'this Linux restricts unprivileged user namespaces with AppArmor (Ubuntu 23.10 and later)' }
    : { ja: 'この Linux では非特権ユーザー名前空間が無効です', en: 'unprivileged user namespaces are disabled on this Linux' }
  return {
    reason: 'userns',
    ja:
      `Chromium のサンドボックスを使えません: ${why.ja}。また chrome-sandbox が root 所有・4755 になっていません。\n` +
      `次のどちらかを一度実行してください。\n(1) chrome-sandbox に権限を与える:\n${chown}\n(2) AppArmor に Electron を登録する:\n${apparmor}`,
    en:
      `Chromium's sandbox cannot run: ${why.en}, and chrome-sandbox is not owned by root with mode 4755.\n` +
      `Run one of these once.\n(1) Give chrome-sandbox its rights:\n${chown}\n(2) Register Electron with AppArmor:\n${apparmor}`,
  }
}

/** For the development scripts: the extra Electron switches this machine needs, after printing
 * the problem and its fix. Never used for a packaged app. */
export function devSandboxSwitches(electronPath) {
  const problem = sandboxProblem(probeMachine(electronPath))
  if (!problem) return []
  console.warn(`\n${problem.ja}\n\n${problem.en}\n`)
  console.warn('警告: 開発用として --no-sandbox で起動します（インストールしたアプリは決してサンドボックスなしでは動きません）。')
  console.warn('Warning: starting with --no-sandbox for development only (an installed app never runs without the sandbox).\n')
  return ['--no-sandbox']
}
