'use strict'
// Output formats, the baseline and the exit code: what the CLI does with a result.
const fs = require('node:fs')
const { toSarif } = require('./sarif')
const { toJunit } = require('./junit')
const { toTable } = require('./table')
const { fingerprint, atOrAbove, SEVERITIES } = require('../findings')

const FORMATS = ['table', 'json', 'sarif', 'junit']

function format(result, name, options) {
  if (name === 'json') return `${JSON.stringify(result, null, 2)}\n`
  if (name === 'sarif') return `${JSON.stringify(toSarif(result, options), null, 2)}\n`
  if (name === 'junit') return toJunit(result, options)
  return toTable(result, options)
}

// A baseline is an earlier `--format json` output (or its findings array): the findings
// it holds are marked suppressed, and still listed.
function applyBaseline(result, file) {
  const data = JSON.parse(fs.readFileSync(file, 'utf8'))
  const known = new Set((Array.isArray(data) ? data : data.findings || []).map(fingerprint))
  for (const f of result.findings) if (known.has(fingerprint(f))) f.suppressed = true
  return result
}

const exitCode = (result, failOn = 'high') => (atOrAbove(result.findings, failOn).length ? 1 : 0)

module.exports = { FORMATS, SEVERITIES, format, applyBaseline, exitCode }
