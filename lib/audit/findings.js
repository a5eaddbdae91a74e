'use strict'
// Severities, their order, and how a finding is named for baselines and SARIF.
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical']
const rank = (severity) => SEVERITIES.indexOf(severity)

// The identity of a finding across runs: what a baseline file matches on.
const fingerprint = (f) => `${f.id} ${f.method || '-'} ${f.route || '-'}`

function atOrAbove(findings, severity) {
  const min = rank(severity)
  return findings.filter((f) => !f.suppressed && rank(f.severity) >= min)
}

module.exports = { SEVERITIES, rank, fingerprint, atOrAbove }
