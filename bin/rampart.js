#!/usr/bin/env node
'use strict'
// `rampart audit <base-url>`: see docs/audit.md. Exit codes: 0 no finding at or above
// --fail-on, 1 findings, 2 a usage or connection error.
const fs = require('node:fs')
const path = require('node:path')
const { parseArgs } = require('node:util')

const USAGE = `Usage: rampart audit <base-url> [options]

  --config file       rampart-audit.json or a .js/.mjs module (identities, routes, login, skip)
  --openapi file      an OpenAPI 3 document to take routes from
  --token jwt         a sample token for the JWT checks
  --format f          table | json | sarif | junit (default: table)
  --output file       write the report there instead of stdout
  --fail-on sev       critical | high | medium | low (default: high)
  --baseline file     an earlier --format json output: its findings are suppressed
  --budget N          the most requests to send (default: 300)
  --allow-remote      allow a base URL that is not a loopback address
  --dry-run           list the requests it would send, send none
`

function usage(message) {
  process.stderr.write(`rampart: ${message}\n\n${USAGE}`)
  return 2
}

async function main(argv) {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        openapi: { type: 'string' },
        token: { type: 'string' },
        format: { type: 'string', default: 'table' },
        output: { type: 'string' },
        'fail-on': { type: 'string', default: 'high' },
        baseline: { type: 'string' },
        budget: { type: 'string', default: '300' },
        'allow-remote': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (err) {
    return usage(err.message)
  }
  const { values: o, positionals } = parsed
  if (o.help) {
    process.stdout.write(USAGE)
    return 0
  }
  if (positionals[0] !== 'audit')
    return usage(positionals[0] ? `unknown command '${positionals[0]}'` : 'missing command')
  if (positionals.length !== 2) return usage('give exactly one base URL')
  const { FORMATS, SEVERITIES, format, applyBaseline, exitCode } = require('../lib/audit/report')
  if (!FORMATS.includes(o.format)) return usage(`--format must be one of ${FORMATS.join(', ')}`)
  if (!SEVERITIES.includes(o['fail-on']) || o['fail-on'] === 'info')
    return usage('--fail-on must be critical, high, medium or low')
  const budget = Number(o.budget)
  if (!Number.isInteger(budget) || budget < 1) return usage('--budget must be a positive integer')
  if (o.baseline && !fs.existsSync(o.baseline)) return usage(`no such baseline file: ${o.baseline}`)

  const { audit, definitions } = require('../lib/audit')
  const tty = process.stderr.isTTY && !o.output && o.format === 'table'
  const progress = tty ? ttyProgress() : undefined
  let result
  try {
    result = await audit({
      baseUrl: positionals[1],
      config: o.config,
      openapi: o.openapi,
      token: o.token,
      budget,
      allowRemote: o['allow-remote'],
      dryRun: o['dry-run'],
      progress,
    })
  } catch (err) {
    progress?.done()
    if (err.name === 'ConnectionError') {
      process.stderr.write(`rampart: ${err.message}\n`)
      return 2
    }
    if (err.exitCode === 2) return usage(err.message.replace(/^rampart audit: /, ''))
    throw err
  }
  progress?.done()
  if (o.baseline) applyBaseline(result, o.baseline)
  const version = require('../package.json').version
  const text = format(result, o.format, {
    definitions,
    artifact: o.config || 'package.json',
    version,
    color: Boolean(process.stdout.isTTY) && !o.output,
  })
  if (o.output) fs.writeFileSync(path.resolve(o.output), text)
  else process.stdout.write(text)
  return result.planned ? 0 : exitCode(result, o['fail-on'])
}

// One status line on stderr, rewritten as the families run and findings arrive.
function ttyProgress() {
  let family = ''
  let found = 0
  const draw = () =>
    process.stderr.write(`\r\x1b[2Krampart audit: ${family} checks... ${found} findings so far`)
  return {
    family(name) {
      family = name
      draw()
    },
    finding() {
      found++
      draw()
    },
    done: () => process.stderr.write('\r\x1b[2K'),
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    process.stderr.write(`rampart: ${err.stack || err.message}\n`)
    process.exitCode = 2
  },
)
