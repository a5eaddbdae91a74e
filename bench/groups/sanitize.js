'use strict'
// rampart/sanitize against sanitize-html, xss (js-xss) and DOMPurify + jsdom, each with its
// own default policy, on the shared html workloads (small comment, medium post, large page).
const sanitizeHtml = require('../../lib/sanitize')

module.exports = {
  name: 'sanitize',
  title: 'HTML sanitization (default policies)',
  cases(workloads) {
    const peer = require('sanitize-html')
    const xss = require('xss')
    const { JSDOM } = require('jsdom')
    const purify = require('dompurify')(new JSDOM('').window)
    const html = workloads.html
    const check = (name, out) => {
      const unsafe = /<script|<[^>]*\son\w+\s*=|href\s*=\s*["']?\s*javascript:/i
      // peers escape rather than drop some markup, so only rampart's output is held to the regex
      if (typeof out !== 'string' || out.length === 0 || (name === 'rampart' && unsafe.test(out))) {
        throw new Error(`sanitize bench: ${name} returned unsafe or no output`)
      }
    }
    const cases = []
    for (const size of ['small', 'medium', 'large']) {
      const input = html[size]
      const fns = {
        rampart: () => sanitizeHtml(input),
        'sanitize-html': () => peer(input),
        xss: () => xss(input),
        'dompurify+jsdom': () => purify.sanitize(input),
      }
      for (const [name, fn] of Object.entries(fns)) check(name, fn())
      const bytes = Buffer.byteLength(input)
      cases.push({
        name: `${size} (${bytes} B), vs sanitize-html`,
        target: { peer: 'sanitize-html', ratio: 4 },
        fns,
      })
      cases.push({
        name: `${size} (${bytes} B), vs xss`,
        target: { peer: 'xss', ratio: 1 },
        fns: { rampart: fns.rampart, xss: fns.xss },
      })
      cases.push({
        name: `${size} (${bytes} B), vs DOMPurify + jsdom`,
        target: { peer: 'dompurify+jsdom', ratio: 50 },
        fns: { rampart: fns.rampart, 'dompurify+jsdom': fns['dompurify+jsdom'] },
      })
    }
    // The callback path: the same transformTags function, exclusiveFilter and textFilter on
    // both sides (one batch of native records per call in rampart).
    const callbackOptions = () => ({
      transformTags: {
        b: (tagName, attribs) => ({ tagName: 'strong', attribs }),
        i: sanitizeHtml.simpleTransform('em'),
      },
      exclusiveFilter: (frame) => frame.tag === 'a' && !frame.text.trim(),
      textFilter: (text) => text.replace(/\bfoo\b/g, 'bar'),
    })
    const oursCb = callbackOptions()
    const peerCb = callbackOptions()
    for (const size of ['small', 'medium', 'large']) {
      const input = html[size]
      const fns = { rampart: () => sanitizeHtml(input, oursCb), 'sanitize-html': () => peer(input, peerCb) }
      for (const [name, fn] of Object.entries(fns)) check(name, fn())
      cases.push({
        name: `callbacks, ${size} (${Buffer.byteLength(input)} B), vs sanitize-html`,
        target: { peer: 'sanitize-html', ratio: 3 },
        fns,
      })
    }
    const plain = 'Thanks for the write-up, this saved me hours of debugging. Will share with the team!'
    cases.push({
      name: 'plain-text field (no markup)',
      fns: { rampart: () => sanitizeHtml(plain), 'sanitize-html': () => peer(plain), xss: () => xss(plain) },
    })
    return cases
  },
}
