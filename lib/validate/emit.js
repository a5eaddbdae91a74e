'use strict'
// The plan of a compiled schema (described by Rust: schemaPlanById) emitted as a
// specialised JavaScript validator, so compile()'s validator checks an object where it
// lives instead of serialising it for Rust. It answers only "valid for sure" (true) or
// "ask Rust" (false): a false, or anything it is unsure of (a value JSON cannot hold, a
// number beyond 2^53, a key that is not an own data property…), sends the data down the
// native path, which decides and builds ajv's errors. Patterns come as JS source only when
// Rust proved them linear for a backtracking engine; other patterns and every format are
// checked natively, in one batched call per validation.

const TYPES = { NULL: 1, BOOL: 2, INT: 4, NUM: 8, STR: 16, ARR: 32, OBJ: 64 }
const ANY = 127
// Integers from 2^53 on lose precision as doubles: Rust's tree decides them.
const EXACT = 9007199254740992
// Deeper data goes native (serde stops at 128 levels; a cycle never ends here).
const MAX_DEPTH = 100

/**
 * Whether `v` is a JSON value JSON.stringify writes unchanged (false: unsure), with no
 * container nested deeper than `limit` (the root container is level 1).
 */
function makePlain(limit) {
  return function plain(v, d) {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return true
      case 'number':
        return v > -EXACT && v < EXACT
      case 'object': {
        if (v === null) return true
        if (d >= limit || v.toJSON !== undefined) return false
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) if (!plain(v[i], d + 1)) return false
          return true
        }
        if (v.__proto__ !== Object.prototype) return false // an own __proto__ key only makes it unsure
        for (const k in v) if (!plain(v[k], d + 1)) return false
        return true
      }
      default:
        return false
    }
  }
}

/** Code points in `s` (what minLength/maxLength count). */
function cpLen(s) {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) i++
    }
    n++
  }
  return n
}

// The quick `email` test of src/schema/formats.rs (is_plain_email) as one regex: a
// dot-atom local part of common characters, letter-digit-hyphen labels, a letters-only
// last label. Only short addresses (local part <= 64, domain <= 63, so no label can pass
// 63) take it, which also bounds the regex's work; everything else goes native.
const PLAIN_EMAIL =
  /^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@(?:[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\.)+[A-Za-z]{2,}$/

/** A plain address the full `email` check accepts (false: ask Rust). */
function email(s) {
  const at = s.indexOf('@')
  // A second `@` fails the regex anyway (its domain has none): skip the backtracking.
  return at > 0 && at <= 64 && s.length - at <= 64 && s.indexOf('@', at + 1) === -1 && PLAIN_EMAIL.test(s)
}

/**
 * An address the full `email` check (jsonschema's, on the email_address crate) refuses for
 * sure (false: ask Rust). It splits at the last `@` (no `@`: refused), and the local part
 * before it may hold another `@` only inside quotes; a display name (`x@y <a@b.c>`, which it
 * accepts) needs a `<`. So: no `@`, or two without any `"` or `<`.
 */
function notEmail(s) {
  const at = s.indexOf('@')
  if (at === -1) return true
  return s.indexOf('@', at + 1) !== -1 && s.indexOf('"') === -1 && s.indexOf('<') === -1
}

// Property names JS would find on Object.prototype (x.constructor): such schemas stay native.
const INHERITED = (name) => name === '__proto__' || name in Object.prototype

/** Generates the statements that check `x` against node `n`; `return false` on doubt. */
function gen(n, x, depth, ctx) {
  if (depth > MAX_DEPTH) throw new Error('too deep to emit')
  // A container here is nested depth + 1 levels deep: past the limit, unsure.
  if (depth >= ctx.limit)
    return `if (typeof ${x} === 'object' && ${x} !== null) return false;\n${genAt(n, x, depth, ctx)}`
  return genAt(n, x, depth, ctx)
}

function genAt(n, x, depth, ctx) {
  const t = n.t
  const out = []
  if (n.choices) {
    if (n.choices.length === 0) return 'return false;'
    out.push(`if (!(${n.choices.map((c) => `${x} === ${JSON.stringify(c)}`).join(' || ')})) return false;`)
  }
  const constrained = n.choices || t !== ANY || Object.keys(n).some((k) => k !== 't' && k !== 'choices')
  if (!constrained) return `if (!plain(${x}, ${depth})) return false;`
  if (t === 0) return 'return false;'
  const branches = []
  if (t & TYPES.OBJ)
    branches.push([
      `typeof ${x} === 'object' && ${x} !== null && !Array.isArray(${x})`,
      objCode(n, x, depth, ctx),
    ])
  if (t & TYPES.STR) branches.push([`typeof ${x} === 'string'`, strCode(n, x, ctx)])
  if (t & (TYPES.INT | TYPES.NUM)) branches.push([`typeof ${x} === 'number'`, numCode(n, x)])
  if (t & TYPES.ARR) branches.push([`Array.isArray(${x})`, arrCode(n, x, depth, ctx)])
  if (t & TYPES.BOOL) branches.push([`typeof ${x} === 'boolean'`, ''])
  if (t & TYPES.NULL) branches.push([`${x} === null`, ''])
  if (branches.length === 1) {
    out.push(`if (!(${branches[0][0]})) return false;`, branches[0][1])
  } else {
    out.push(branches.map(([cond, code]) => `if (${cond}) {${code}}`).join(' else ') + ' else return false;')
  }
  return out.join('\n')
}

function numCode(n, x) {
  const out = [`if (!(${x} > -${EXACT} && ${x} < ${EXACT})) return false;`]
  if (!(n.t & TYPES.NUM)) out.push(`if (!Number.isInteger(${x})) return false;`)
  if (n.min !== undefined) out.push(`if (${x} < ${n.min}) return false;`)
  if (n.max !== undefined) out.push(`if (${x} > ${n.max}) return false;`)
  if (n.xmin !== undefined) out.push(`if (${x} <= ${n.xmin}) return false;`)
  if (n.xmax !== undefined) out.push(`if (${x} >= ${n.xmax}) return false;`)
  return out.join('\n')
}

function strCode(n, x, ctx) {
  const out = []
  if (n.minL !== undefined && n.minL > 0) {
    out.push(
      `if (${x}.length < ${n.minL} || (${x}.length < ${2 * n.minL} && cpLen(${x}) < ${n.minL})) return false;`,
    )
  }
  if (n.maxL !== undefined) out.push(`if (${x}.length > ${n.maxL} && cpLen(${x}) > ${n.maxL}) return false;`)
  if (n.re !== undefined) {
    ctx.consts.push(new RegExp(n.re, 'u'))
    out.push(`if (!r${ctx.consts.length - 1}.test(${x})) return false;`)
  }
  const native = (slot) => `if (S === null) { S = []; K = [] } S.push(${x}); K.push(${slot});`
  if (n.reSlot !== undefined) out.push(native(n.reSlot))
  if (n.fmtSlot !== undefined) {
    out.push(
      n.email
        ? `if (!email(${x})) { if (notEmail(${x})) return false; ${native(n.fmtSlot)}}`
        : native(n.fmtSlot),
    )
  }
  return out.join('\n')
}

function arrCode(n, x, depth, ctx) {
  const out = [`if (${x}.toJSON !== undefined) return false;`]
  if (n.minI !== undefined) out.push(`if (${x}.length < ${n.minI}) return false;`)
  if (n.maxI !== undefined) out.push(`if (${x}.length > ${n.maxI}) return false;`)
  const i = `i${ctx.vars++}`
  const y = `v${ctx.vars++}`
  const item = n.items ? gen(n.items, y, depth + 1, ctx) : `if (!plain(${y}, ${depth + 1})) return false;`
  out.push(`for (let ${i} = 0; ${i} < ${x}.length; ${i}++) { const ${y} = ${x}[${i}];\n${item}\n}`)
  return out.join('\n')
}

function objCode(n, x, depth, ctx) {
  // Only plain objects: a property inherited from another prototype reads as present here
  // but JSON.stringify leaves it out. `__proto__` is read, not Object.getPrototypeOf (10 ns
  // more per object); an own `__proto__` key (JSON.parse makes one) only makes it unsure.
  const out = [`if (${x}.__proto__ !== OBJECT || ${x}.toJSON !== undefined) return false;`]
  const props = n.props || []
  // Declared properties found by reading them must all be own enumerable keys (the ones
  // JSON.stringify writes): the key loop counts the declared keys it meets, and any
  // mismatch (a non-enumerable property, or a declared key holding undefined) is unsure.
  const found = `f${ctx.vars++}`
  if (props.length) out.push(`let ${found} = 0;`)
  for (const [name, sub, required] of props) {
    if (INHERITED(name)) throw new Error('inherited property name')
    const y = `v${ctx.vars++}`
    out.push(
      `{ const ${y} = ${x}[${JSON.stringify(name)}]; if (${y} === undefined) { ${required ? 'return false;' : ''} } else { ${found}++;\n${gen(sub, y, depth + 1, ctx)}\n} }`,
    )
  }
  // Every key: undeclared ones meet additionalProperties, and every value must be JSON.
  const k = `k${ctx.vars++}`
  const y = `v${ctx.vars++}`
  const count = n.minP !== undefined || n.maxP !== undefined
  const c = `c${ctx.vars++}`
  // A key whose value is undefined is one JSON.stringify drops: unsure, unless the key is
  // declared (then it reads as absent on both sides) and keys are not counted.
  let extra
  if (n.add === false) extra = 'return false;'
  else if (n.add !== undefined)
    extra = `const ${y} = ${x}[${k}]; if (${y} === undefined) return false;\n${gen(n.add, y, depth + 1, ctx)}`
  else extra = `if (!plain(${x}[${k}], ${depth + 1})) return false;`
  const seen = count ? `if (${x}[${k}] === undefined) return false; ${c}++;` : ''
  const listed = `l${ctx.vars++}`
  const loop = props.length
    ? `switch (${k}) { ${props.map(([name]) => `case ${JSON.stringify(name)}:`).join(' ')} ${seen} ${listed}++; break; default: {\n${count ? `${c}++;` : ''}${extra}\n} }`
    : `${seen || (count ? `${c}++;` : '')}${extra}`
  if (count) out.push(`let ${c} = 0;`)
  if (props.length) out.push(`let ${listed} = 0;`)
  out.push(`for (const ${k} in ${x}) {\n${loop}\n}`)
  if (props.length) out.push(`if (${listed} !== ${found}) return false;`)
  if (n.minP !== undefined) out.push(`if (${c} < ${n.minP}) return false;`)
  if (n.maxP !== undefined) out.push(`if (${c} > ${n.maxP}) return false;`)
  return out.join('\n')
}

/**
 * Whether every value the plan's validator calls valid has only declared keys, none of them
 * `__proto__` or `constructor` (emission refuses those names): every object is closed
 * (`additionalProperties: false`), every array's items are, and no value is left
 * unconstrained. Then a valid body cannot hold a prototype key, and json() need not search
 * its text for one before validating.
 */
function closedPlan(description) {
  let root
  try {
    root = JSON.parse(description)
  } catch {
    return false
  }
  const closed = (n) => {
    if (n.choices) return true // compared with ===: only primitives pass
    if (n.t === 0) return true
    if (n.t & TYPES.OBJ && (n.add !== false || !(n.props || []).every(([, sub]) => closed(sub)))) return false
    if (n.t & TYPES.ARR && !(n.items && closed(n.items))) return false
    return true
  }
  return typeof root === 'object' && root !== null && closed(root)
}

/**
 * The emitted validator for a plan description, or null when the plan cannot be emitted.
 * `checkStrings(slots, strings)` runs the native pattern/format checks in one call; data
 * nested deeper than `depthLimit` containers is left to Rust (unsure).
 */
function emitValidator(description, checkStrings, depthLimit = MAX_DEPTH) {
  return compileGenerated(
    description,
    depthLimit,
    (plan, ctx) => gen(plan, 'data', 0, ctx),
    (body) => `return function emitted(data) {
let S = null, K = null;
${body}
return S === null || checkStrings(K, S);
}`,
    { checkStrings },
  )
}

/**
 * Compiles code generated from a plan description: `generate(plan, ctx)` writes the body,
 * `wrap(body)` the function returned around it, which may use the regexes `ctx.consts`
 * (as `r0`, `r1`…), `OBJECT`, `plain` (depth-bounded by `depthLimit`), `cpLen`, `email`,
 * `notEmail` and the names in `deps`. Null when the description is missing or cannot be
 * emitted. The code comes from Rust's plan, never from input; a plan this emitter cannot
 * express leaves the validator on the native path (a bug here must never fail compile()).
 */
function compileGenerated(description, depthLimit, generate, wrap, deps) {
  if (typeof description !== 'string') return null
  const ctx = { consts: [], vars: 0, limit: Math.min(depthLimit, MAX_DEPTH) }
  try {
    const body = generate(JSON.parse(description), ctx)
    const regexes = ctx.consts.map((_, i) => `const r${i} = C[${i}];`).join('\n')
    const src = `${regexes}\nconst OBJECT = Object.prototype;\n${wrap(body)}`
    const names = ['C', 'plain', 'cpLen', 'email', 'notEmail', ...Object.keys(deps)]
    return new Function(...names, src)(
      ctx.consts,
      makePlain(ctx.limit),
      cpLen,
      email,
      notEmail,
      ...Object.values(deps),
    )
  } catch {
    return null
  }
}

// ---------------------------------------------------------------------------------------
// The explain function: run after the emitted validator said "ask Rust", it evaluates every
// check of the plan and collects ajv's errors, copied from the templates Rust rendered for
// each keyword (the description's `e`: `[schemaPath, params, message]`, made by the same
// functions as Rust's own errors). It returns null whenever it is unsure of anything (a
// value JSON would write differently, a lone surrogate, a key that is not an own data
// property…): then Rust decides, as before. compile() and json() use its errors only when
// there is exactly one, which Rust reports whatever its evaluation order and whether it
// stops at the first error or collects all of them.

// A UTF-16 code unit of a surrogate pair with no partner: Rust judges such a string as
// another string (U+FFFD in its place), so any check it fails is left to Rust.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** `name` as a JSON Pointer segment (as Rust writes instancePath). */
function pointerSegment(name) {
  return name.indexOf('~') === -1 && name.indexOf('/') === -1
    ? name
    : name.replace(/~/g, '~0').replace(/\//g, '~1')
}

/** A JS expression for an instance path: literal parts (strings) and code parts ({ code }). */
function pathCode(parts) {
  const out = []
  let lit = ''
  for (const part of parts) {
    if (typeof part === 'string') lit += part
    else {
      if (lit) out.push(JSON.stringify(lit))
      lit = ''
      out.push(part.code)
    }
  }
  if (lit || out.length === 0) out.push(JSON.stringify(lit))
  return out.join(' + ')
}

/** The statement pushing `keyword`'s error (from the node's templates), or giving up. */
function pushCode(n, keyword, path, extra) {
  let t = n.e && n.e[keyword]
  if (keyword === 'required' && t) t = t[extra]
  if (!Array.isArray(t) || typeof t[0] !== 'string' || typeof t[2] !== 'string') return 'return null;'
  let params = JSON.stringify(t[1])
  if (keyword === 'additionalProperties') {
    // The template names the params key that holds the property's name.
    if (typeof t[3] !== 'string' || extra === undefined) return 'return null;'
    params = `{ ...${params}, [${JSON.stringify(t[3])}]: ${extra} }`
  }
  return `E.push({ instancePath: ${pathCode(path)}, schemaPath: ${JSON.stringify(t[0])}, keyword: ${JSON.stringify(keyword)}, params: ${params}, message: ${JSON.stringify(t[2])} });`
}

/** Statements collecting the errors of `x` (a value plain() accepted) against node `n`. */
function genExplain(n, x, path, depth, ctx) {
  if (depth > MAX_DEPTH) throw new Error('too deep to emit')
  const t = n.t
  if (t === 0) return pushCode(n, 'false schema', path)
  const out = []
  if (n.choices) {
    const keyword = n.e && n.e.const ? 'const' : 'enum'
    const test = n.choices.map((c) => `${x} === ${JSON.stringify(c)}`).join(' || ') || 'false'
    out.push(
      `if (!(${test})) { if (typeof ${x} === 'string' && LONE.test(${x})) return null; ${pushCode(n, keyword, path)} }`,
    )
  }
  const typed = t !== ANY
  const typeErr = typed ? pushCode(n, 'type', path) : ''
  const check = (bit) => (typed && !(t & bit) ? typeErr : '')
  // Dispatch on what the value is: keywords for its type apply whether or not `type` allows it.
  const str = [check(TYPES.STR), explainStr(n, x, path, ctx)].join('\n')
  let num = ''
  if (typed) {
    if (t & TYPES.NUM) num = ''
    else if (t & TYPES.INT) num = `if (!Number.isInteger(${x})) {${typeErr}}`
    else num = typeErr
  }
  num = [num, explainNum(n, x, path)].join('\n')
  const arr = [check(TYPES.ARR), explainArr(n, x, path, depth, ctx)].join('\n')
  const obj = [check(TYPES.OBJ), explainObj(n, x, path, depth, ctx)].join('\n')
  out.push(`if (typeof ${x} === 'string') {${str}}
else if (typeof ${x} === 'number') {${num}}
else if (typeof ${x} === 'boolean') {${check(TYPES.BOOL)}}
else if (${x} === null) {${check(TYPES.NULL)}}
else if (Array.isArray(${x})) {${arr}}
else {${obj}}`)
  return out.join('\n')
}

function explainNum(n, x, path) {
  const out = []
  if (n.min !== undefined) out.push(`if (${x} < ${n.min}) {${pushCode(n, 'minimum', path)}}`)
  if (n.max !== undefined) out.push(`if (${x} > ${n.max}) {${pushCode(n, 'maximum', path)}}`)
  if (n.xmin !== undefined) out.push(`if (${x} <= ${n.xmin}) {${pushCode(n, 'exclusiveMinimum', path)}}`)
  if (n.xmax !== undefined) out.push(`if (${x} >= ${n.xmax}) {${pushCode(n, 'exclusiveMaximum', path)}}`)
  return out.join('\n')
}

function explainStr(n, x, path, ctx) {
  const out = []
  if (n.minL !== undefined) out.push(`if (cpLen(${x}) < ${n.minL}) {${pushCode(n, 'minLength', path)}}`)
  if (n.maxL !== undefined) out.push(`if (cpLen(${x}) > ${n.maxL}) {${pushCode(n, 'maxLength', path)}}`)
  // A string failing a check Rust would run on other text (a lone surrogate) is unsure.
  const fail = (keyword) => `if (LONE.test(${x})) return null; ${pushCode(n, keyword, path)}`
  if (n.re !== undefined) {
    ctx.consts.push(new RegExp(n.re, 'u'))
    out.push(`if (!r${ctx.consts.length - 1}.test(${x})) {${fail('pattern')}}`)
  }
  const native = (slot, keyword) =>
    `if (LONE.test(${x})) return null; if (!checkOne(${slot}, ${x})) {${pushCode(n, keyword, path)}}`
  if (n.reSlot !== undefined) out.push(native(n.reSlot, 'pattern'))
  if (n.fmtSlot !== undefined) {
    out.push(
      n.email
        ? `if (!email(${x})) { if (notEmail(${x})) {${pushCode(n, 'format', path)}} else {${native(n.fmtSlot, 'format')}} }`
        : native(n.fmtSlot, 'format'),
    )
  }
  return out.join('\n')
}

function explainArr(n, x, path, depth, ctx) {
  const out = []
  if (n.minI !== undefined) out.push(`if (${x}.length < ${n.minI}) {${pushCode(n, 'minItems', path)}}`)
  if (n.maxI !== undefined) out.push(`if (${x}.length > ${n.maxI}) {${pushCode(n, 'maxItems', path)}}`)
  if (n.items) {
    const i = `i${ctx.vars++}`
    const y = `v${ctx.vars++}`
    const item = genExplain(n.items, y, [...path, '/', { code: i }], depth + 1, ctx)
    out.push(`for (let ${i} = 0; ${i} < ${x}.length; ${i}++) { const ${y} = ${x}[${i}];\n${item}\n}`)
  }
  return out.join('\n')
}

function explainObj(n, x, path, depth, ctx) {
  const out = []
  const props = n.props || []
  if (!props.length && n.add === undefined && n.minP === undefined && n.maxP === undefined) return ''

  const found = `f${ctx.vars++}`
  const listed = `l${ctx.vars++}`
  const count = `c${ctx.vars++}`
  out.push(`let ${found} = 0, ${listed} = 0, ${count} = 0;`)
  for (const [name, sub, required] of props) {
    if (INHERITED(name)) throw new Error('inherited property name')
    const y = `v${ctx.vars++}`
    const missing = required ? pushCode(n, 'required', path, name) : ''
    out.push(
      `{ const ${y} = ${x}[${JSON.stringify(name)}]; if (${y} === undefined) {${missing}} else { ${found}++;\n${genExplain(sub, y, [...path, `/${pointerSegment(name)}`], depth + 1, ctx)}\n} }`,
    )
  }
  const k = `k${ctx.vars++}`
  const y = `v${ctx.vars++}`
  const keyPath = [...path, '/', { code: `seg(${k})` }]
  let extra = ''
  if (n.add === false) {
    extra = `if (LONE.test(${k})) return null; ${pushCode(n, 'additionalProperties', path, k)}`
  } else if (n.add !== undefined) {
    extra = `if (LONE.test(${k})) return null; const ${y} = ${x}[${k}];\n${genExplain(n.add, y, keyPath, depth + 1, ctx)}`
  }
  const cases = props.map(([name]) => `case ${JSON.stringify(name)}:`).join(' ')
  const loop = props.length ? `switch (${k}) { ${cases} ${listed}++; break; default: {\n${extra}\n} }` : extra
  out.push(`for (const ${k} in ${x}) {\n${count}++;\n${loop}\n}`)
  // A declared property read but not listed as an own enumerable key: unsure.
  out.push(`if (${listed} !== ${found}) return null;`)
  if (n.minP !== undefined) out.push(`if (${count} < ${n.minP}) {${pushCode(n, 'minProperties', path)}}`)
  if (n.maxP !== undefined) out.push(`if (${count} > ${n.maxP}) {${pushCode(n, 'maxProperties', path)}}`)
  return out.join('\n')
}

/**
 * The explain function for a plan description: `(data) => errors` (ajv-shaped, every
 * failing check of the plan) or null when unsure; null itself when the plan cannot be
 * emitted. `checkOne(slot, string)` runs one native pattern/format check (to find which
 * string fails); data nested deeper than `depthLimit` is unsure.
 */
function emitExplainer(description, checkOne, depthLimit = MAX_DEPTH) {
  return compileGenerated(
    description,
    depthLimit,
    (plan, ctx) => genExplain(plan, 'data', [], 0, ctx),
    (body) => `return function explain(data) {
for (const k in OBJECT) return null; // an enumerable key on Object.prototype: every for-in sees it
if (!plain(data, 0)) return null;
const E = [];
${body}
return E;
}`,
    { checkOne, LONE: LONE_SURROGATE, seg: pointerSegment },
  )
}

// Longest string whose failed native check is remembered (a rejected input usually fails
// one string, which explain then checks alone: the answer is reused, not asked again).
const REMEMBERED = 1024

/**
 * The native string checks of one schema: `batch(slots, strings)` for the emitted
 * validator (one native call per validation), `one(slot, string)` for the explain function. A batch of one string that
 * failed is remembered, so explain's check of that same string does not cross to Rust again
 * (a check's answer depends only on its slot and string).
 */
function stringChecks(checkBatch, checkOne) {
  let failedSlot = -1
  let failed = null
  return {
    batch(slots, strings) {
      // One string (the usual case) takes the single check: its call costs half as much.
      const ok = slots.length === 1 ? checkOne(slots[0], strings[0]) : checkBatch(slots, strings)
      if (!ok && slots.length === 1 && strings[0].length <= REMEMBERED) {
        failedSlot = slots[0]
        failed = strings[0]
      }
      return ok
    },
    one(slot, string) {
      if (slot === failedSlot && string === failed) return false
      return checkOne(slot, string)
    },
  }
}

module.exports = {
  emitValidator,
  emitExplainer,
  closedPlan,
  stringChecks,
  email,
  notEmail,
  cpLen,
  makePlain,
  pointerSegment,
}
