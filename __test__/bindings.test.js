'use strict'
// Every native entry point must catch panics: a panic in a plain sync #[napi] fn aborts Node.
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const path = require('node:path')

const dir = path.join(__dirname, '..', 'src', 'bindings')

test('every #[napi] function and method uses catch_unwind', () => {
  const missing = []
  let functions = 0
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.rs'))) {
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n')
    lines.forEach((line, i) => {
      const attr = line.match(/^\s*#\[napi(\((.*)\))?\]\s*$/)
      if (!attr) return
      // The item the attribute sits on: skip doc comments and other attributes.
      let j = i + 1
      while (j < lines.length && /^\s*(#\[|\/\/)/.test(lines[j])) j++
      const item = lines[j] || ''
      if (!/\bfn\b/.test(item)) return // structs, impl blocks, enums and consts run no code of ours
      functions++
      if (!/catch_unwind/.test(attr[2] || '')) missing.push(`${file}:${i + 1} ${item.trim()}`)
    })
  }
  assert.ok(functions > 0, 'found no #[napi] functions at all')
  assert.deepStrictEqual(missing, [], `#[napi] entry points without catch_unwind:\n${missing.join('\n')}`)
})
