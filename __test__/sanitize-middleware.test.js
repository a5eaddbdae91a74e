'use strict'
// sanitize() middleware over real HTTP: Express 5 on 127.0.0.1, port 0, real fetch requests;
// and plain node:http with a hand-set req.body.
const test = require('node:test')
const assert = require('node:assert')
const express = require('express')
const { sanitize, SanitizeOptionsError } = require('../lib/sanitize')
const { serve } = require('./helpers/serve')

async function withApp(setup, fn) {
  const app = express()
  app.use(express.json())
  setup(app)
  const { url, close } = await serve(app)
  try {
    await fn(url)
  } finally {
    await close()
  }
}

const echo = (req, res) => res.json({ body: req.body ?? null, query: req.query, params: req.params })

async function post(base, path, body) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  assert.strictEqual(res.status, 200)
  return res.json()
}

const hostile = {
  title: 'Hello <b>there</b>',
  comment: {
    text: '<p>ok</p><script>alert(1)</script><img src=x onerror=alert(1)>',
    tags: ['<i>a</i>', 'plain', 'a & b'],
  },
  count: 3,
  ok: true,
  none: null,
}

test("mode 'text' (default) strips every tag in every string of the body", async () => {
  await withApp(
    (app) => app.post('/c', sanitize(), echo),
    async (base) => {
      const { body } = await post(base, '/c', hostile)
      assert.deepStrictEqual(body, {
        title: 'Hello there',
        comment: { text: 'ok', tags: ['a', 'plain', 'a &amp; b'] },
        count: 3,
        ok: true,
        none: null,
      })
    },
  )
})

test("mode 'html' applies the sanitizeHtml allowlist, with its options", async () => {
  await withApp(
    (app) => app.post('/c', sanitize({ mode: 'html', allowedTags: ['b', 'p'] }), echo),
    async (base) => {
      const { body } = await post(base, '/c', hostile)
      assert.strictEqual(body.title, 'Hello <b>there</b>')
      assert.strictEqual(body.comment.text, '<p>ok</p>')
      assert.deepStrictEqual(body.comment.tags, ['a', 'plain', 'a &amp; b'])
    },
  )
})

test("mode 'escape' escapes instead of stripping", async () => {
  await withApp(
    (app) => app.post('/c', sanitize({ mode: 'escape' }), echo),
    async (base) => {
      const { body } = await post(base, '/c', { t: '<b>"x"</b>', plain: 'plain' })
      assert.deepStrictEqual(body, { t: '&lt;b&gt;&quot;x&quot;&lt;/b&gt;', plain: 'plain' })
    },
  )
})

test('fields limits cleaning to dotted paths (through arrays)', async () => {
  const mw = sanitize({ fields: ['comment.text', 'items.name'] })
  await withApp(
    (app) => app.post('/c', mw, echo),
    async (base) => {
      const { body } = await post(base, '/c', {
        title: '<b>kept</b>',
        comment: { text: '<b>x</b>', other: '<b>kept</b>' },
        items: [{ name: '<i>n1</i>', note: '<i>kept</i>' }, { name: '<i>n2</i>' }],
      })
      assert.deepStrictEqual(body, {
        title: '<b>kept</b>',
        comment: { text: 'x', other: '<b>kept</b>' },
        items: [{ name: 'n1', note: '<i>kept</i>' }, { name: 'n2' }],
      })
    },
  )
})

test('query: true and params: true clean req.query and req.params (Express 5 getter too)', async () => {
  await withApp(
    (app) => app.get('/p/:id', sanitize({ query: true, params: true }), echo),
    async (base) => {
      const res = await fetch(
        `${base}/p/${encodeURIComponent('<b>7</b>')}?q=${encodeURIComponent('<script>x</script>hi')}&n=1`,
      )
      const json = await res.json()
      assert.deepStrictEqual(json.params, { id: '7' })
      assert.deepStrictEqual(json.query, { q: 'hi', n: '1' })
    },
  )
  await withApp(
    (app) => app.get('/p/:id', sanitize(), echo),
    async (base) => {
      const json = await (
        await fetch(`${base}/p/${encodeURIComponent('<b>7</b>')}?q=${encodeURIComponent('<b>q</b>')}`)
      ).json()
      assert.deepStrictEqual(json.params, { id: '<b>7</b>' })
      assert.deepStrictEqual(json.query, { q: '<b>q</b>' })
    },
  )
})

test('works under plain node:http with no ip, method or path, and with odd bodies', async () => {
  const mw = sanitize()
  const run = (req) =>
    new Promise((resolve, reject) => mw(req, {}, (err) => (err ? reject(err) : resolve(req))))
  assert.strictEqual((await run({ body: '<b>str</b>' })).body, 'str')
  assert.deepStrictEqual((await run({})).body, undefined)
  const cyclic = { a: '<b>x</b>' }
  cyclic.self = cyclic
  assert.strictEqual((await run({ body: cyclic })).body.a, 'x')
  let deep = { v: '<i>bottom</i>' }
  for (let i = 0; i < 20000; i++) deep = { d: deep }
  let node = (await run({ body: deep })).body
  while (node.d) node = node.d
  assert.strictEqual(node.v, 'bottom')
  const buf = Buffer.from('<b>')
  assert.strictEqual((await run({ body: { buf } })).body.buf, buf)

  const { url, close } = await serve((req, res) => {
    req.body = { text: '<script>x</script>safe' }
    mw(req, res, () => res.end(JSON.stringify(req.body)))
  })
  try {
    const text = await (await fetch(`${url}/`)).text()
    assert.deepStrictEqual(JSON.parse(text), { text: 'safe' })
  } finally {
    await close()
  }
})

test('bad middleware options throw at creation', () => {
  assert.throws(() => sanitize({ mode: 'strip' }), SanitizeOptionsError)
  assert.throws(() => sanitize({ allowedTags: ['b'] }), /only applies with mode: 'html'/)
  assert.throws(() => sanitize({ mode: 'html', exclusiveFilter: true }), /exclusiveFilter must be a function/)
  assert.throws(() => sanitize({ fields: 'a.b' }), /fields/)
  assert.throws(() => sanitize({ query: 'yes' }), /query/)
  assert.throws(() => sanitize(null), SanitizeOptionsError)
})

test('a body with many strings is cleaned in one pass, same result as one by one', async () => {
  const mw = sanitize({ mode: 'html' })
  const body = { list: Array.from({ length: 500 }, (_, i) => `<p>${i}<script>x</script></p>`) }
  await new Promise((resolve) => mw({ body }, {}, resolve))
  assert.deepStrictEqual(
    body.list,
    Array.from({ length: 500 }, (_, i) => `<p>${i}</p>`),
  )
})
