'use strict'
// The readable report: findings by severity with their fix, then what did not run.
const { rank } = require('../findings')

const COLOR = {
  critical: '\x1b[1;31m',
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
}

function toTable(result, { color = false } = {}) {
  const paint = (sev, s) => (color ? `${COLOR[sev]}${s}\x1b[0m` : s)
  const lines = [
    `rampart audit of ${result.target}: ${result.requests} requests (budget ${result.budget})`,
    '',
  ]
  const findings = [...result.findings].sort((a, b) => rank(b.severity) - rank(a.severity))
  if (!findings.length) lines.push('No findings.')
  for (const f of findings) {
    const where = [f.method, f.route].filter((x) => x && x !== '-').join(' ')
    lines.push(
      `${paint(f.severity, f.severity.toUpperCase().padEnd(8))} ${f.id.padEnd(26)} ${f.owasp}  ${f.title}${where ? ` (${where})` : ''}${f.suppressed ? '  [suppressed]' : ''}`,
    )
    lines.push(`         evidence: ${f.evidence}`)
    lines.push(`         fix: ${f.fix}`)
  }
  const skipped = result.checks.filter((c) => c.status === 'skipped')
  if (skipped.length) {
    lines.push('', 'Not run:')
    for (const c of skipped) lines.push(`  ${c.id.padEnd(26)} ${c.reason}`)
  }
  const ran = result.checks.filter((c) => c.status === 'ran').length
  lines.push(
    '',
    `${ran} checks ran, ${skipped.length} skipped, ${findings.filter((f) => !f.suppressed).length} findings${findings.some((f) => f.suppressed) ? `, ${findings.filter((f) => f.suppressed).length} suppressed` : ''}.`,
  )
  if (result.planned) {
    lines.push(
      '',
      `Dry run: ${result.planned.length} requests would be sent first (later ones depend on the answers):`,
    )
    for (const p of result.planned)
      lines.push(
        `  ${p.method.padEnd(7)} ${p.path.length > 60 ? `${p.path.slice(0, 60)}...` : p.path}  (${p.label || ''})`,
      )
  }
  return `${lines.join('\n')}\n`
}

module.exports = { toTable }
