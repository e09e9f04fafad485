// A throwaway PostgreSQL 15 cluster for the tests (issue 12): initdb in a temporary folder, the
// server listening only on a Unix socket inside that folder (no TCP port: nothing else on the
// machine can reach it; only its owner and root can open the folder), trust authentication (the
// folder is the lock), fsync off (the data dies with the folder). Stopped and removed on exit.
//
// PostgreSQL refuses to run as root: as root the cluster belongs to an unprivileged system user
// (OTP_PG_USER, default `nobody`) through `runuser -u`; otherwise to whoever runs this.
// pg_ctl detaches the server, so a watchdog (a shell polling the starting process) stops it and
// removes the folder when that process is gone without calling stop() (killed, or a test worker
// ended by vitest): no server outlives its run.
//
//   node scripts/pg-cluster.mjs                 start, print the URL, stop on Ctrl-C
//   node scripts/pg-cluster.mjs -- <command...> run the command with OTP_TEST_PG_URL set, then stop
//
// scripts/test.mjs imports startCluster() and passes OTP_TEST_PG_URL to vitest; tests started by
// hand without the variable start their own cluster with the same function (tests/helpers/pg.ts).
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

/** The folder of PostgreSQL's server programs: OTP_PG_BIN, Debian's newest >= 15, or PATH. */
export function pgBinDir() {
  if (process.env.OTP_PG_BIN) return process.env.OTP_PG_BIN
  const base = '/usr/lib/postgresql'
  if (fs.existsSync(base)) {
    const versions = fs
      .readdirSync(base)
      .filter((v) => /^\d+$/.test(v) && Number(v) >= 15 && fs.existsSync(path.join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a))
    if (versions.length) return path.join(base, versions[0], 'bin')
  }
  const found = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' })
  return found.status === 0 ? path.dirname(found.stdout.trim()) : null
}

/** Why no cluster can start here, or null. */
export function pgUnavailable() {
  const bin = pgBinDir()
  if (!bin) return 'PostgreSQL 15 is not installed (npm run setup installs the Debian package postgresql-15)'
  if (process.getuid?.() === 0 && !fs.existsSync('/usr/sbin/runuser') && !fs.existsSync('/sbin/runuser'))
    return 'running as root without runuser: PostgreSQL cannot start as root'
  return null
}

/**
 * Starts a cluster and returns { url, dir, stop, restart }. `url` reaches the superuser `postgres` over the
 * socket: postgresql://postgres@localhost/postgres?host=<dir>. stop() is synchronous (safe in exit handlers).
 * restart() is `pg_ctl restart -m fast` (every connection ended, the same folder and socket; the
 * watchdog still stops it): for a test of its own cluster, never the shared one of a test run.
 */
export function startCluster({ log = () => {} } = {}) {
  const why = pgUnavailable()
  if (why) throw new Error(why)
  const bin = pgBinDir()
  const isRoot = process.getuid?.() === 0
  const user = isRoot ? (process.env.OTP_PG_USER ?? 'nobody') : null
  // Short path: a Unix socket's path is limited to ~107 bytes. As root, /tmp: the server's user
  // must be able to reach the folder, and root's TMPDIR may be private to root.
  const base = user && fs.existsSync('/tmp') ? '/tmp' : os.tmpdir()
  const dir = fs.mkdtempSync(path.join(base, 'otp-pg-'))
  const data = path.join(dir, 'data')
  const as = (cmd, args) => (user ? ['runuser', ['-u', user, '--', cmd, ...args]] : [cmd, args])
  const exec = (cmd, args) => {
    const [file, argv] = as(path.join(bin, cmd), args)
    execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir })
  }
  if (user) {
    const uid = Number(execFileSync('id', ['-u', user]).toString().trim())
    const gid = Number(execFileSync('id', ['-g', user]).toString().trim())
    fs.chownSync(dir, uid, gid)
  }
  fs.chmodSync(dir, 0o700)
  const serverOpts = [`-k ${dir}`, "-c listen_addresses=''", '-p 5432', '-c fsync=off', '-c full_page_writes=off', '-c max_connections=200']
  let started = false
  let watchdog = null
  const stop = () => {
    if (watchdog?.pid) {
      try {
        process.kill(watchdog.pid)
      } catch {
        // already gone
      }
      watchdog = null
    }
    if (started) {
      started = false
      try {
        exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      } catch (e) {
        log(`pg_ctl stop: ${e.message}`)
      }
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
  try {
    const t0 = Date.now()
    exec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'])
    exec('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-o', serverOpts.join(' '), '-w', '-t', '30', 'start'])
    started = true
    const q = (a) => `'${a.replace(/'/g, `'\\''`)}'`
    const [ctl, ctlArgs] = as(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'])
    const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${[ctl, ...ctlArgs].map(q).join(' ')} >/dev/null 2>&1; rm -rf ${q(dir)}`
    watchdog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' })
    watchdog.unref()
    log(`PostgreSQL started in ${Date.now() - t0} ms (socket in ${dir}${user ? `, as ${user}` : ''})`)
  } catch (e) {
    const serverLog = path.join(dir, 'server.log')
    const detail = [e.stderr?.toString(), fs.existsSync(serverLog) ? fs.readFileSync(serverLog, 'utf8') : ''].filter(Boolean).join('\n')
    stop()
    throw new Error(`could not start PostgreSQL: ${e.message}\n${detail}`)
  }
  // "localhost" only makes the URL parseable; the host parameter (the socket folder) wins.
  const restart = () => {
    if (!started) throw new Error('the cluster is not running')
    exec('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-o', serverOpts.join(' '), '-m', 'fast', '-w', '-t', '30', 'restart'])
  }
  return { url: `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(dir)}`, dir, stop, restart }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sep = process.argv.indexOf('--')
  const command = sep >= 0 ? process.argv.slice(sep + 1) : []
  const cluster = startCluster({ log: (m) => console.error(m) })
  process.on('exit', cluster.stop)
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => process.exit(130))
  if (command.length) {
    const r = spawnSync(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, OTP_TEST_PG_URL: cluster.url } })
    process.exitCode = r.status ?? 1
  } else {
    console.log(`OTP_TEST_PG_URL=${cluster.url}`)
    console.error('Ctrl-C stops the cluster and removes its folder.')
    setInterval(() => {}, 1 << 30)
  }
}
