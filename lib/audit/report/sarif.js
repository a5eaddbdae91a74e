'use strict'
// SARIF 2.1.0: one rule per check, one result per finding (suppressed ones carry a
// suppression), so GitHub code scanning shows them with their fix.
const { fingerprint } = require('../findings')

const LEVEL = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' }
// GitHub ranks security alerts by this number (CVSS-like).
const SCORE = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' }

function toSarif(result, { definitions, artifact = 'package.json', version = '0.0.0' }) {
  const rules = definitions.map((d) => ({
    id: d.id,
    name: d.id.replace(/[.-](\w)/g, (_, c) => c.toUpperCase()),
    shortDescription: { text: d.title },
    fullDescription: { text: `${d.title} (OWASP ${d.owasp})` },
    help: { text: typeof d.fix === 'function' ? d.fix({ method: '<method>', route: '<route>' }) : d.fix },
    defaultConfiguration: { level: LEVEL[d.severity] },
    properties: { tags: ['security', d.owasp, d.family], 'security-severity': SCORE[d.severity] },
  }))
  const index = new Map(rules.map((r, i) => [r.id, i]))
  const results = result.findings.map((f) => ({
    ruleId: f.id,
    ruleIndex: index.get(f.id),
    level: LEVEL[f.severity],
    message: {
      text: `${f.title}: ${f.method === '-' ? '' : `${f.method} `}${f.route === '-' ? '' : f.route} ${f.evidence}. Fix: ${f.fix}`.replace(
        /\s+/g,
        ' ',
      ),
    },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: artifact }, region: { startLine: 1 } },
        logicalLocations: [{ name: `${f.method} ${f.route}`, kind: 'resource' }],
      },
    ],
    partialFingerprints: { rampartAudit: fingerprint(f) },
    properties: { severity: f.severity, owasp: f.owasp, 'security-severity': SCORE[f.severity] },
    ...(f.suppressed ? { suppressions: [{ kind: 'external', justification: 'in the baseline file' }] } : {}),
  }))
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rampart audit',
            informationUri: 'https://github.com/rampart/rampart/blob/main/docs/audit.md',
            semanticVersion: version,
            rules,
          },
        },
        results,
        invocations: [
          { executionSuccessful: true, properties: { target: result.target, requests: result.requests } },
        ],
      },
    ],
  }
}

module.exports = { toSarif }
