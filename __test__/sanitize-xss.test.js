'use strict'
// Security tests for rampart/sanitize: an XSS corpus (__test__/fixtures/xss-vectors.js)
// cleaned under several policies, every output parsed again with jsdom and checked for
// scripts, event handlers and script-bearing URLs; the streaming sanitizer checked against
// ammonia (the safety oracle); visible text compared with sanitize-html on benign input.
const test = require('node:test')
const fs = require('node:fs')
const path = require('node:path')
const assert = require('node:assert')
const { JSDOM, VirtualConsole } = require('jsdom')
const peer = require('sanitize-html')
const native = require('../lib/native')
const hooks = require('./helpers/test-hooks')
const sanitizeHtml = require('../lib/sanitize')
const { normalize } = require('../lib/sanitize/options')
const { vectors, all } = require('./fixtures/xss-vectors')

/**
 * A record batch (src/sanitize/records.rs) as readable pieces, checking its form: kinds
 * known, strings in bounds, batch.data covered exactly, in order.
 */
function recordPieces(batch) {
  const [TEXT, END, START, SELF_CLOSING, TEXT_ESCAPE, EXTRA, ESCAPE, NAME_INLINE] =
    native.HtmlPolicy.recordKinds()
  const names = native.HtmlPolicy.recordNames()
  const [input, data, meta] = batch
  assert.ok(meta instanceof Uint32Array)
  assert.equal(typeof input, 'string')
  const out = []
  let at = 0
  let dataEnd = 0
  const string = (value = false) => {
    const raw = meta[at]
    const end = meta[at + 1]
    at += 2
    const flagged = (raw & ESCAPE) !== 0
    const start = raw & (ESCAPE - 1)
    let s
    if (raw >= EXTRA) {
      assert.equal(start, dataEnd, 'data strings in order')
      assert.ok(end >= dataEnd && end <= data.length, 'a data string in bounds')
      dataEnd = end
      s = data.slice(start, end)
    } else {
      assert.ok(start <= end && end <= input.length, 'an input string in bounds')
      s = input.slice(start, end)
    }
    if (value) assert.equal(flagged, /[&<>"]/.test(s), 'ESCAPE exactly when the value holds & < > "')
    else assert.ok(!flagged, 'ESCAPE only on attribute values')
    return s
  }
  const name = () => {
    const id = meta[at++]
    if (id === NAME_INLINE) return string()
    assert.ok(id < NAME_INLINE, 'a known name')
    return names[id]
  }
  while (at < meta.length) {
    const kind = meta[at++]
    if (kind === TEXT || kind === TEXT_ESCAPE) {
      const text = string()
      assert.equal(kind === TEXT_ESCAPE, /[&<>]/.test(text), 'TEXT_ESCAPE exactly when the text holds & < >')
      out.push('T', text)
    } else if (kind === END) {
      out.push('E', name())
    } else {
      assert.ok(kind === START || kind === SELF_CLOSING, `a known kind (${kind})`)
      const n = meta[at++]
      out.push(kind === START ? 'S' : 'S/', name())
      for (let k = 0; k < n; k++) out.push(name(), string(true))
    }
  }
  assert.equal(dataEnd, data.length, 'the records cover the data')
  return out
}

const window = new JSDOM('<!DOCTYPE html><body></body>', { virtualConsole: new VirtualConsole() }).window
const body = window.document.body

const d = sanitizeHtml.defaults
// The only host the scripts policy allows: no vector loads from it.
const SCRIPT_HOST = 'cdn.rampart.test'
const policies = {
  defaults: undefined,
  text: { allowedTags: [], allowedAttributes: {} },
  escape: { disallowedTagsMode: 'escape' },
  rich: {
    allowedTags: [
      ...d.allowedTags,
      'img',
      'del',
      'ins',
      'details',
      'summary',
      'video',
      'audio',
      'source',
      'button',
      'input',
    ],
    allowedAttributes: {
      ...d.allowedAttributes,
      '*': [
        'class',
        'id',
        'title',
        'style',
        'data-*',
        'href',
        'src',
        'srcset',
        'cite',
        'background',
        'formaction',
        'action',
        'xlink:href',
        'poster',
      ],
    },
    allowedSchemesByTag: { img: ['https', 'data'] },
  },
  // Tags with special parsing rules: the streamed output also goes through ammonia's tree pass.
  special: {
    allowedTags: [
      ...d.allowedTags,
      'img',
      'svg',
      'math',
      'mtext',
      'mglyph',
      'mi',
      'path',
      'a',
      'animate',
      'set',
      'use',
      'text',
      'desc',
      'foreignobject',
      'iframe',
      'noscript',
      'template',
      'textarea',
      'title',
      'select',
      'option',
      'form',
      'input',
      'button',
      'object',
      'embed',
      'xmp',
      'noembed',
    ],
    allowedAttributes: false,
    allowedSchemesByTag: { img: ['https', 'data'] },
  },
  // The options added for sanitize-html's own suite: each one under the whole corpus.
  styles: {
    allowedAttributes: { '*': ['style'] },
    allowedStyles: { '*': { color: [/.*/], background: [/.*/], 'background-image': [/.*/], width: [/.*/] } },
  },
  iframes: {
    allowedTags: [...d.allowedTags, 'iframe'],
    allowedAttributes: { iframe: ['src', 'name'] },
    allowedIframeHostnames: ['www.youtube.com'],
    allowedIframeDomains: ['vimeo.com'],
  },
  scripts: {
    allowedTags: [...d.allowedTags, 'script'],
    allowedAttributes: { script: ['src'], a: ['href'] },
    allowedScriptHostnames: [SCRIPT_HOST],
  },
  recursiveEscape: { disallowedTagsMode: 'recursiveEscape' },
  preserveEscaped: {
    disallowedTagsMode: 'recursiveEscape',
    preserveEscapedAttributes: true,
    allowedAttributes: false,
  },
  completelyDiscard: { disallowedTagsMode: 'completelyDiscard' },
  htmlBoundary: { enforceHtmlBoundary: true },
  values: {
    allowedTags: [...d.allowedTags, 'img'],
    allowedAttributes: {
      a: [{ name: 'href', values: ['javascript:alert(1)', 'https://ok.test/'] }],
      img: [
        { name: 'src', values: ['javascript:alert(1)', 'x'] },
        { name: 'class', values: ['a'], multiple: true },
      ],
    },
  },
  classPatterns: { allowedClasses: { '*': [/.*/] } },
  // Callbacks that try to smuggle script back in: every tag gets an event handler and a
  // javascript: URL, text gets markup appended, a tag is renamed to <script>.
  callbacks: {
    allowedTags: [...d.allowedTags, 'img'],
    allowedAttributes: { '*': ['href', 'src', 'style', 'title'] },
    transformTags: {
      '*': (tagName, attribs) => ({
        tagName,
        attribs: {
          ...attribs,
          onclick: 'alert(1)',
          href: 'javascript:alert(1)',
          src: ' javascript:alert(2)',
        },
      }),
      u: () => ({ tagName: 'script', attribs: { src: 'https://evil.test/x.js' }, text: 'alert(3)' }),
    },
    textFilter: (text) => text + '<img src=x onerror=alert(4)><script>alert(5)</script>',
    exclusiveFilter: (frame) => frame.tag === 'blink',
    onOpenTag: () => {},
    onCloseTag: () => {},
  },
}

const URL_ATTRS = new Set([
  'href',
  'src',
  'xlink:href',
  'action',
  'formaction',
  'data',
  'background',
  'cite',
  'poster',
  'srcset',
  'values',
  'to',
  'from',
  'by',
  'ping',
])
// eslint-disable-next-line no-control-regex -- C0 controls are what browsers strip from URLs
const flat = (v) => v.replace(/[\u0000-\u0020\\]/g, '').toLowerCase()

function* elements(root) {
  for (const el of root.querySelectorAll('*')) {
    yield el
    if (el.localName === 'template' && el.content) yield* elements(el.content)
  }
}

/** Every way the output could run script once a browser parses it. */
function dangers(html) {
  body.innerHTML = html
  const found = []
  for (const el of elements(body)) {
    const name = el.localName.toLowerCase()
    // An empty <script> with no src (or one from the allowlisted host) runs nothing.
    const src = el.getAttribute('src') || ''
    if (name === 'script' && (el.textContent.trim() || (src && !src.startsWith(`https://${SCRIPT_HOST}/`))))
      found.push('<script>')
    if (name === 'meta' || name === 'base' || name === 'link') found.push(`<${name}>`)
    for (const attr of el.attributes) {
      const an = attr.name.toLowerCase()
      const v = flat(attr.value)
      if (an.startsWith('on')) found.push(`${an}= on <${name}>`)
      if (an === 'srcdoc') found.push('srcdoc')
      if (/^(javascript|vbscript):/.test(v)) found.push(`${an}=${v.slice(0, 20)}`)
      if (URL_ATTRS.has(an) && /(javascript|vbscript):|data:text\/html|data:image\/svg/.test(v))
        found.push(`${an}=${v.slice(0, 30)}`)
      if (an === 'style' && /expression\(|javascript:|vbscript:|behavior:|-moz-binding/.test(v))
        found.push(`style=${v}`)
      if (an === 'attributename' && /^(on|href|xlink:href)/.test(v)) found.push(`animates ${v}`)
    }
    if (name === 'style' && /javascript:|expression\(|@import/.test(flat(el.textContent)))
      found.push('<style> with script')
  }
  return found
}

test('the corpus holds at least 100 vectors in every required family', () => {
  assert.ok(all.length >= 100, `${all.length} vectors`)
  for (const family of [
    'basic',
    'entityAndWhitespaceUrls',
    'filterEvasion',
    'mxss',
    'srcdocAndFrames',
    'style',
  ]) {
    assert.ok(vectors[family].length >= 5, family)
  }
})

for (const [policyName, options] of Object.entries(policies)) {
  test(`no vector survives the ${policyName} policy`, () => {
    const failures = []
    for (const vector of all) {
      for (const input of [vector, `<p>before</p>${vector}<p>after</p>`, `<div><b>${vector}`]) {
        const out = sanitizeHtml(input, options)
        const found = dangers(out)
        if (found.length)
          failures.push(`${JSON.stringify(input)}\n  -> ${JSON.stringify(out)}\n  ${found.join(', ')}`)
      }
    }
    assert.deepStrictEqual(failures, [])
  })
}

test('the corpus is dangerous before cleaning (the checker sees what it must)', () => {
  const caught = all.filter((v) => dangers(v).length > 0).length
  assert.ok(caught >= 60, `the checker flags ${caught} raw vectors`)
})

test('the streaming sanitizer emits nothing ammonia would remove (ammonia as the oracle)', () => {
  const benign = benignDocuments()
  for (const name of ['defaults', 'rich']) {
    const options = JSON.stringify(normalize(policies[name]))
    const policy = new native.HtmlPolicy(options)
    const reference = new hooks.HtmlPolicy(options)
    const mismatches = []
    for (const input of [...all, ...benign]) {
      const ours = policy.clean(input)
      const oracle = reference.cleanWithAmmonia(ours)
      const a = shape(ours)
      const b = shape(oracle)
      if (a !== b) mismatches.push(`${JSON.stringify(input)}\n  ours:    ${a}\n  ammonia: ${b}`)
    }
    assert.deepStrictEqual(mismatches, [], `${name} policy`)
  }
})

test('the streaming sanitizer and ammonia agree on visible text', () => {
  const options = JSON.stringify(normalize(policies.rich))
  const policy = new native.HtmlPolicy(options)
  const reference = new hooks.HtmlPolicy(options)
  for (const input of benignDocuments()) {
    assert.strictEqual(
      visibleText(policy.clean(input)),
      visibleText(reference.cleanWithAmmonia(input)),
      input.slice(0, 80),
    )
  }
})

/**
 * What a parse of `html` holds: every element with its attributes, in document order, and
 * the words of its text (sorted: foster-parented table text moves, and jsdom's fragment
 * parser moves it differently from html5ever).
 */
function shape(html) {
  body.innerHTML = html
  const els = [...elements(body)].map(
    (el) =>
      `<${el.localName}${[...el.attributes]
        .map((a) => ` ${a.name}="${a.value}"`)
        .sort()
        .join('')}>`,
  )
  const words = body.textContent.split(/\s+/).filter(Boolean).sort()
  return `${els.join('')}\n${words.join(' ')}`
}

function visibleText(html) {
  body.innerHTML = html
  return body.textContent.replace(/\s+/g, ' ').trim()
}

function benignDocuments() {
  return [
    '<p>Hello <b>world</b> &amp; <i>friends</i> &lt;3</p>',
    '<h1>Title</h1><p>Intro with a <a href="https://example.com/a?b=1&amp;c=2" target="_blank">link</a>.</p>',
    '<ul><li>one<li>two<li>three</ul><ol><li>a</li><li>b</li></ol>',
    '<table><thead><tr><th>k</th><th>v</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr><tr><td>3<td>4</tr></tbody></table>',
    '<blockquote cite="https://example.com">Quote <cite>Someone</cite></blockquote><pre><code>const a = 1 &lt; 2</code></pre>',
    '<p>Line<br>break<br/>and <span class="x">span</span> <em>em</em> <strong>strong</strong> <code>code</code></p>',
    '<dl><dt>term<dd>definition<dt>term 2<dd>def 2</dl>',
    '<div><p>nested <b>bold <i>both</i></b> text</p><hr><p>after rule</p></div>',
    'Plain text with an ampersand &amp; a non-breaking&nbsp;space and “quotes”.',
    '<p>Unicode: héllo wörld ✓ 日本語 🎉</p><p>Entities: &copy; &eacute; &#169; &#x1F600;</p>',
    '<section><h2>Part</h2><p>Some <abbr title="HyperText">HTML</abbr> and <kbd>Ctrl</kbd>+<kbd>C</kbd>, H<sub>2</sub>O, x<sup>2</sup>.</p></section>',
    '<p>a<p>b<div>c</div>d</p>',
    '<p>Image: <img src="https://cdn.example.com/x.png" alt="an image"> done</p>',
  ]
}

test('visible text matches sanitize-html on benign documents', (t) => {
  const sharedDir = process.env.RAMPART_SHARED_DIR || path.join(__dirname, '..', '..', 'shared')
  const shared = path.join(sharedDir, 'workloads', 'html.json')
  const docs = benignDocuments()
  if (!fs.existsSync(shared)) {
    if (process.env.CI === 'true') assert.fail(`missing ${shared}`)
    t.diagnostic(`skipping the shared blog post: ${shared} is missing`)
  } else {
    // The shared blog post, minus its deliberately hostile parts (those differ by design:
    // sanitize-html keeps some raw-text content that the HTML parser treats differently).
    const medium = JSON.parse(fs.readFileSync(shared, 'utf8')).medium
    docs.push(
      medium.replace(
        /<(svg|iframe|object|form|script|style|noscript|select|textarea|embed)\b[\s\S]*?<\/\1>|<(embed|img|input)\b[^>]*>/gi,
        '',
      ),
    )
  }
  for (const doc of docs) {
    assert.strictEqual(visibleText(sanitizeHtml(doc)), visibleText(peer(doc)), doc.slice(0, 100))
  }
})

test('random splices of the corpus: no throw, nothing dangerous (bounded fuzz)', () => {
  let seed = 0x5eed
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed % n
  }
  const pieces = [
    ...all,
    '<',
    '>',
    '"',
    "'",
    '=',
    '&',
    '&#',
    '</',
    '<!--',
    '-->',
    '<svg>',
    '<math>',
    '<template>',
    '<table>',
    '<a href=',
    ' onerror=alert(1) ',
    'javascript:',
    '<style>',
    '<noscript>',
  ]
  const failures = []
  const started = Date.now()
  for (let i = 0; i < 1500 && Date.now() - started < 20000; i++) {
    let input = ''
    const parts = 2 + rand(5)
    for (let k = 0; k < parts; k++) {
      const piece = pieces[rand(pieces.length)]
      const from = rand(piece.length)
      input += piece.slice(from, from + 1 + rand(piece.length))
    }
    for (const name of ['defaults', 'rich', 'special', 'escape']) {
      const out = sanitizeHtml(input, policies[name])
      const found = dangers(out)
      if (found.length)
        failures.push(`${name}: ${JSON.stringify(input)} -> ${JSON.stringify(out)}: ${found.join(', ')}`)
    }
  }
  assert.deepStrictEqual(failures, [])
})

test('the byte-level lane gives exactly what html5ever alone gives (differential)', () => {
  const sharedDir = process.env.RAMPART_SHARED_DIR || path.join(__dirname, '..', '..', 'shared')
  const shared = path.join(sharedDir, 'workloads', 'html.json')
  const docs = [...all, ...benignDocuments()]
  if (fs.existsSync(shared)) {
    const html = JSON.parse(fs.readFileSync(shared, 'utf8'))
    docs.push(html.small, html.medium, html.large)
  }
  let seed = 0xfa57
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed % n
  }
  const bits = [
    '<',
    '>',
    '/',
    '"',
    "'",
    '=',
    '&',
    '&amp;',
    '&#x3c;',
    '<!--',
    '--',
    '-->',
    '!',
    '?',
    ' ',
    '\t',
    '\n',
    'a',
    'b',
    'p',
    'script',
    'style',
    'textarea',
    'title',
    'href',
    'x=1',
    'on',
    '`',
    'é',
  ]
  for (let i = 0; i < 3000; i++) {
    let s = ''
    for (let k = 0, n = 3 + rand(25); k < n; k++) s += bits[rand(bits.length)]
    docs.push(s)
  }
  for (const vector of all)
    docs.push(`<p>${vector}`, `${vector}</p>&amp;<b>`, vector.slice(0, vector.length - 3))
  for (const name of Object.keys(policies)) {
    const options = JSON.stringify(normalize(policies[name]))
    const policy = new native.HtmlPolicy(options)
    const reference = new hooks.HtmlPolicy(options)
    const mismatches = []
    for (const doc of docs) {
      if (!/[<&]/.test(doc)) continue // returned untouched by design (the fast path)
      const lane = policy.clean(doc)
      const tokenizer = reference.cleanWithHtml5Ever(doc)
      if (lane !== tokenizer)
        mismatches.push(
          `${JSON.stringify(doc)}\n  lane:      ${JSON.stringify(lane)}\n  html5ever: ${JSON.stringify(tokenizer)}`,
        )
    }
    assert.deepStrictEqual(mismatches.slice(0, 5), [], `${name}: ${mismatches.length} mismatches`)
  }
  // The callback path's records: the lane must read every document as html5ever does.
  const options = JSON.stringify(normalize(policies.defaults))
  const policy = new native.HtmlPolicy(options)
  const reference = new hooks.HtmlPolicy(options)
  // Both batches decoded (strings in place or copied read the same): equal pieces, equal records.
  const mismatches = []
  for (const doc of docs) {
    const lane = recordPieces(policy.records(doc))
    const tokenizer = recordPieces(reference.recordsWithHtml5Ever(doc))
    if (JSON.stringify(lane) !== JSON.stringify(tokenizer)) mismatches.push(JSON.stringify(doc))
  }
  assert.deepStrictEqual(mismatches.slice(0, 5), [], `records: ${mismatches.length} mismatches`)
})
