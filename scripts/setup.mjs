// `npm run setup`: everything a fresh Debian machine needs for the app and its tests.
// 1. npm ci (dependencies; better-sqlite3 is compiled for Node if no prebuilt binary can be fetched).
// 2. Debian packages the tests use: chromium (browser e2e), poppler-utils (pdftotext/pdffonts/pdftoppm),
//    zbar-tools (zbarimg reads the forms' QR codes back), fonts-noto-cjk (Japanese in screenshots of
//    system UI), xvfb (Electron e2e where Electron runs), postgresql-15 (the server ledger's tests
//    start a throwaway cluster of their own, scripts/pg-cluster.mjs; the package is told not to
//    create and start a system cluster of its own).
//    Installed with apt-get when running as root; otherwise the command to run is printed.
import { execSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { root } from './lib.mjs'

const PACKAGES = ['chromium', 'poppler-utils', 'zbar-tools', 'fonts-noto-cjk', 'xvfb', 'postgresql-15']
const missing = PACKAGES.filter((p) => {
  try {
    return !execSync(`dpkg-query -W -f='\${Status}' ${p} 2>/dev/null`).toString().includes('install ok installed')
  } catch {
    return true
  }
})
if (missing.length) {
  const isRoot = process.getuid?.() === 0
  if (isRoot && fs.existsSync('/usr/bin/apt-get')) {
    console.log(`Installing Debian packages: ${missing.join(' ')}`)
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    if (missing.includes('postgresql-15')) {
      // postgresql-common reads this folder before it makes the package's own 'main' cluster.
      fs.mkdirSync('/etc/postgresql-common/createcluster.d', { recursive: true })
      fs.writeFileSync('/etc/postgresql-common/createcluster.d/madoguchi-otp.conf', 'create_main_cluster = false\n')
    }
    for (const cmd of [['apt-get', ['update', '-qq']], ['apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing]]]) {
      const r = spawnSync(cmd[0], cmd[1], { stdio: 'inherit', env })
      if (r.status !== 0) process.exit(r.status ?? 1)
    }
  } else {
    console.warn(`Missing Debian packages for the tests: ${missing.join(' ')}\n  sudo apt-get install ${missing.join(' ')}`)
  }
}
const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
process.exit(r.status ?? 1)
