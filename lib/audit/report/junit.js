'use strict'
// JUnit XML: a test suite per check family, a test case per check; a finding is a
// failure, a skipped check is skipped, a suppressed finding is noted in system-out.
const esc = (s) =>
  String(s)
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c])
    // XML 1.0 has no place for control characters, escaped or not.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')

function toJunit(result, { definitions }) {
  const families = [...new Set(definitions.map((d) => d.family))]
  const checks = new Map(result.checks.map((c) => [c.id, c]))
  let total = 0
  let totalFailures = 0
  const suites = families.map((family) => {
    const cases = definitions
      .filter((d) => d.family === family)
      .map((d) => {
        const c = checks.get(d.id)
        const found = result.findings.filter((f) => f.id === d.id)
        const active = found.filter((f) => !f.suppressed)
        const open = `    <testcase classname="rampart.audit.${esc(family)}" name="${esc(d.id)}: ${esc(d.title)}">`
        const body = []
        if (c?.status === 'skipped') body.push(`      <skipped message="${esc(c.reason || 'skipped')}"/>`)
        for (const f of active) {
          body.push(
            `      <failure type="${esc(f.severity)}" message="${esc(`${f.method} ${f.route}: ${f.evidence}`)}">${esc(`${f.owasp} ${f.severity}\nFix: ${f.fix}`)}</failure>`,
          )
        }
        const suppressed = found.filter((f) => f.suppressed)
        if (suppressed.length)
          body.push(
            `      <system-out>${esc(suppressed.map((f) => `suppressed by the baseline: ${f.method} ${f.route}: ${f.evidence}`).join('\n'))}</system-out>`,
          )
        return {
          xml: body.length ? `${open}\n${body.join('\n')}\n    </testcase>` : `${open}</testcase>`,
          failures: active.length,
          skipped: c?.status === 'skipped' ? 1 : 0,
        }
      })
    const failures = cases.reduce((n, c) => n + c.failures, 0)
    const skipped = cases.reduce((n, c) => n + c.skipped, 0)
    total += cases.length
    totalFailures += failures
    return `  <testsuite name="rampart audit: ${esc(family)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}">\n${cases.map((c) => c.xml).join('\n')}\n  </testsuite>`
  })
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="rampart audit ${esc(result.target)}" tests="${total}" failures="${totalFailures}">\n${suites.join('\n')}\n</testsuites>\n`
}

module.exports = { toJunit }
