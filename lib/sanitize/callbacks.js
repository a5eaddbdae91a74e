'use strict'
// The callback path: sanitize-html's transformTags functions, exclusiveFilter, textFilter,
// onOpenTag and onCloseTag, run over one batch of tag and text records that Rust tokenized
// (policy.records: one native call). The callbacks' result is written as plain HTML and
// cleaned by the same native policy (a second call), so whatever a callback adds (a tag, an
// attribute, a javascript: URL, raw markup from textFilter) passes the same checks.

const native = require('../native')

const MEDIA_TAGS = new Set(['img', 'audio', 'video', 'picture', 'svg', 'object', 'map', 'iframe', 'embed'])
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
  'param',
  'keygen',
  'frame',
  'basefont',
  'bgsound',
  'image',
])
// The record format of src/sanitize/records.rs, read from Rust (its one source) on the
// first policy with callbacks: the kinds, the bit of a string start that says the string is
// in batch.data (not the input), the bit of an attribute value's start that says it holds
// & < > or ", the name number that says a string follows (HtmlPolicy.recordKinds()), and
// the tag and attribute names the records give by number (HtmlPolicy.recordNames()): held
// here, so reading a name is an array load and attribute keys are the same strings every
// time, with ' name="' for each (an attribute written from the records starts with it).
let TEXT, END, START_SELF_CLOSING, TEXT_ESCAPE, EXTRA, ESCAPE, NAME_INLINE, OFFSET
let RECORD_NAMES = null
let ATTR_OPEN = null
/** Reads the record format from Rust, once (before any Rules exist). */
function readRecordFormat() {
  if (RECORD_NAMES !== null) return
  ;[TEXT, END, , START_SELF_CLOSING, TEXT_ESCAPE, EXTRA, ESCAPE, NAME_INLINE] =
    native.HtmlPolicy.recordKinds()
  // A string start without its flag bits.
  OFFSET = ESCAPE - 1
  const names = native.HtmlPolicy.recordNames()
  ATTR_OPEN = names.map((name) => ' ' + name + '="')
  RECORD_NAMES = names // last: it marks the format as read
}

const TAG_NAME = /^[a-zA-Z][a-zA-Z0-9-]*$/
// Names that stay one attribute when the intermediate HTML is parsed again.
const ATTR_NAME = /^[^\0\t\n\f\r /<=>"'`]+$/

const ENTITY = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }
const entity = (c) => ENTITY[c]
function escapeText(s) {
  s = String(s)
  return /[&<>]/.test(s) ? s.replace(/[&<>]/g, entity) : s
}
function escapeAttr(s) {
  s = String(s)
  return /[&<>"]/.test(s) ? s.replace(/[&<>"]/g, entity) : s
}

/** sanitize-html's transformTags entry as a function (a string is simpleTransform(name)). */
function transformFn(t) {
  if (typeof t === 'function') return t
  return (tagName, attribs) => ({ tagName: t, attribs })
}

// A frame's own state, in symbol-keyed fields (out of sight of Object.keys, for-in and
// JSON.stringify: exclusiveFilter sees sanitize-html's fields): the TagInfo of its written
// name, and the index of its opening tag in the result's pieces.
const OUT = Symbol('out')
const PART = Symbol('part')
const TAG = Symbol('tag')

/** sanitize-html's frame: what exclusiveFilter sees. One shape for every frame. */
class Frame {
  constructor(tag, attribs, tagPosition) {
    this.tag = tag
    this.attribs = attribs
    this.tagPosition = tagPosition
    this.text = ''
    this.openingTagLength = 0
    this.mediaChildren = []
    this.innerText = undefined
    this.name = tag
    this.skip = false
    this[OUT] = null
    this[PART] = 0
    this[TAG] = null
  }
}

/** What a policy does with one tag name, worked out once per name. */
class TagInfo {
  constructor(rules, name) {
    this.name = name
    this.isVoid = VOID.has(name)
    this.media = MEDIA_TAGS.has(name)
    this.openTag = '<' + name
    this.closeTag = '</' + name + '>'
    this.nonText = rules.nonText.has(name)
    // Written (not skipped) under this name.
    this.keep = rules.isAllowed(name) && TAG_NAME.test(name)
    const mapped = rules.transformMap.get(name)
    this.transform = mapped === undefined ? null : mapped
    // A callback sees (and may change) the attributes before the tag is written.
    this.seen = this.transform !== null || rules.transformAll !== null || rules.onOpenTag !== null
    // For a tag written under this name as read: which record-name attributes to write
    // (null: all of them). See Rules.attributeWrites.
    this.writes = this.keep && !this.seen ? rules.attributeWrites(name) : null
  }
}

const MAX_CACHED_NAMES = 256

/** The compiled callback side of a policy (the options, once). */
class Rules {
  constructor(callbacks, normalized) {
    this.allowed = new Set(normalized.allowedTags)
    this.allTags = normalized.allTags === true
    this.nonText = new Set(normalized.nonTextTags)
    this.mode = normalized.disallowedTagsMode
    this.discard = this.mode === 'discard' || this.mode === 'completelyDiscard'
    this.completelyDiscard = this.mode === 'completelyDiscard'
    this.exclusiveFilter = callbacks.exclusiveFilter || null
    this.textFilter = callbacks.textFilter || null
    this.onOpenTag = callbacks.onOpenTag || null
    this.onCloseTag = callbacks.onCloseTag || null
    // Frames' text and mediaChildren are only seen by exclusiveFilter.
    this.track = this.exclusiveFilter !== null
    this.transformMap = new Map()
    this.transformAll = null
    for (const [from, to] of Object.entries(callbacks.transformTags || {})) {
      if (from === '*') this.transformAll = transformFn(to)
      else this.transformMap.set(from, transformFn(to))
    }
    for (const [from, to] of Object.entries(normalized.transformTags)) {
      if (!this.transformMap.has(from)) this.transformMap.set(from, transformFn(to))
    }
    const allowed = normalized.allowedAttributes
    this.allowedAttributes = allowed && typeof allowed === 'object' ? allowed : null
    this.attributeValues = normalized.attributeValues || {}
    readRecordFormat()
    this.known = new Array(RECORD_NAMES.length).fill(null)
    this.cached = new Map()
  }

  /**
   * Which record-name attributes of an allowed `tag` the intermediate HTML carries: those
   * the native policy may keep (listed for the tag or for every tag, restricted to values,
   * or class, which has its own rules); null for all (every attribute allowed, or a glob
   * the native side matches). Only an attribute the policy drops by its name whatever its
   * value is left out, so the cleaned result is the same, with less to write and read again.
   */
  attributeWrites(tag) {
    const allowed = this.allowedAttributes
    if (allowed === null) return null
    const names = [
      ...(Object.hasOwn(allowed, '*') ? allowed['*'] : []),
      ...(Object.hasOwn(allowed, tag) ? allowed[tag] : []),
    ]
    if (names.some((n) => typeof n !== 'string' || n.includes('*'))) return null
    const values = this.attributeValues
    const keep = new Set(names)
    for (const scope of ['*', tag]) {
      if (Object.hasOwn(values, scope)) for (const n of Object.keys(values[scope])) keep.add(n)
    }
    keep.add('class')
    return RECORD_NAMES.map((n) => keep.has(n))
  }

  /** The TagInfo of record name `id`. */
  knownInfo(id) {
    const info = this.known[id]
    return info !== null ? info : (this.known[id] = new TagInfo(this, RECORD_NAMES[id]))
  }

  /** The TagInfo of any name (a bounded cache). */
  info(name) {
    let info = this.cached.get(name)
    if (info === undefined) {
      info = new TagInfo(this, name)
      if (this.cached.size < MAX_CACHED_NAMES) this.cached.set(name, info)
    }
    return info
  }
}

Rules.prototype.isAllowed = function (name) {
  return this.allowed.has(name) || (this.allTags && name !== 'script' && TAG_NAME.test(name))
}

/** One run of sanitize-html's handlers over one batch (its state, as sanitize-html keeps it). */
class Pass {
  constructor(rules) {
    this.r = rules
    // The result as pieces (excluding an element truncates them), and its length.
    this.parts = []
    this.length = 0
    this.cur = ''
    this.stack = []
    this.skipText = false
    this.skipTextDepth = 0
    this.addedText = false
  }

  write(s) {
    this.cur += s
  }

  /**
   * A start tag. `attribs` is null when no callback can see it (then `serialized` holds
   * the attributes as written); `serialized` is null when it cannot stand for `attribs`.
   */
  open(info, attribs, selfClosing, serialized) {
    const r = this.r
    const name = info.name
    if (r.onOpenTag !== null) r.onOpenTag(name, attribs)
    if (this.skipText) {
      this.skipTextDepth++
      return
    }
    const frame = new Frame(name, attribs, this.length + this.cur.length)
    let outName = name
    if (info.transform !== null) outName = this.transform(frame, info.transform, outName)
    if (r.transformAll !== null) outName = this.transform(frame, r.transformAll, outName)
    const out = outName === name ? info : r.info(outName)
    attribs = frame.attribs
    frame.name = outName
    const skip = !out.keep
    frame.skip = skip
    frame[OUT] = out
    frame[TAG] = info
    this.stack.push(frame)
    if (skip && r.discard) {
      if (out.nonText) {
        this.skipText = true
        this.skipTextDepth = 1
      }
      if (frame.innerText) {
        const escaped = escapeText(frame.innerText)
        this.write(r.textFilter !== null ? '' + r.textFilter(escaped, outName) : escaped)
        this.addedText = true
      }
      return
    }
    // An escaped (disallowed) tag is written as it is: the native pass escapes it.
    let tag = out.openTag
    if (serialized !== null && !info.seen) {
      tag += serialized
    } else {
      for (const a in attribs) {
        if (!Object.hasOwn(attribs, a) || !ATTR_NAME.test(a)) continue
        const v = attribs[a]
        tag += ' ' + a + '="' + escapeAttr(v == null ? '' : v) + '"'
      }
    }
    tag += selfClosing && out.isVoid ? ' />' : '>'
    if (frame.innerText && r.textFilter === null) {
      tag += escapeText(frame.innerText)
      this.addedText = true
    }
    if (this.cur !== '') {
      this.parts.push(this.cur)
      this.length += this.cur.length
      this.cur = ''
    }
    frame[PART] = this.parts.length
    this.parts.push(tag)
    this.length += tag.length
    frame.openingTagLength = tag.length
  }

  /** Applies one transformTags function to `frame`; returns the new tag name. */
  transform(frame, fn, name) {
    const t = fn(name, frame.attribs) || {}
    frame.attribs = t.attribs || {}
    if (t.text !== undefined) frame.innerText = t.text
    return typeof t.tagName === 'string' ? t.tagName : name
  }

  /** Text; `special`: it holds & < or >. */
  text(t, special) {
    if (this.skipText) return
    const r = this.r
    const stack = this.stack
    const last = stack.length > 0 ? stack[stack.length - 1] : null
    let tag
    if (last !== null) {
      tag = last.name
      if (last.innerText !== undefined) {
        t = last.innerText
        special = true
      }
    }
    if (r.completelyDiscard && !r.isAllowed(tag)) {
      t = ''
    } else if (!this.addedText) {
      const escaped = special ? escapeText(t) : t
      this.write(r.textFilter !== null ? '' + r.textFilter(escaped, tag) : escaped)
    }
    if (last !== null && r.track) last.text += t
  }

  close(name, isImplied) {
    const r = this.r
    if (r.onCloseTag !== null) r.onCloseTag(name, isImplied)
    if (this.skipText) {
      this.skipTextDepth--
      if (this.skipTextDepth) return
      this.skipText = false
    }
    const stack = this.stack
    const frame = stack.pop()
    if (frame === undefined) return
    const out = frame[OUT]
    const partAt = frame[PART]
    const parent = stack.length > 0 ? stack[stack.length - 1] : null
    if (frame.skip && r.discard) {
      if (parent !== null && r.track) parent.text += frame.text
      return
    }
    if (r.exclusiveFilter !== null) {
      const verdict = r.exclusiveFilter(frame)
      if (verdict === 'excludeTag') {
        // The opening tag is the one piece written at partAt.
        this.length -= this.parts[partAt].length
        this.parts[partAt] = ''
        return
      } else if (verdict) {
        this.parts.length = partAt
        this.length = frame.tagPosition
        this.cur = ''
        return
      }
    }
    if (parent !== null && r.track) {
      const tag = frame.tag
      if (tag === frame[TAG].name ? frame[TAG].media : MEDIA_TAGS.has(tag)) parent.mediaChildren.push(tag)
      parent.text += frame.text
    }
    const closeName = frame.name
    if (closeName === out.name) {
      if (!out.isVoid) this.write(out.closeTag)
    } else if (!VOID.has(closeName)) {
      this.write('</' + closeName + '>')
    }
    this.addedText = false
  }

  /** An end tag: closes the innermost open `name` (those inside it implied); stray ones dropped. */
  end(name, isVoid) {
    const stack = this.stack
    let top = stack.length - 1
    while (top >= 0 && stack[top].tag !== name) top--
    if (top < 0 || isVoid) return
    while (stack.length - 1 > top) this.close(stack[stack.length - 1].tag, true)
    this.close(name, false)
  }

  /** Records: `[input, data, meta]`, see src/sanitize/records.rs. */
  run(batch) {
    const r = this.r
    const input = batch[0]
    const data = batch[1]
    const meta = batch[2]
    const count = meta.length
    const str = (start, end) => (start >= EXTRA ? data : input).slice(start & OFFSET, end)
    let at = 0
    while (at < count) {
      const kind = meta[at]
      if (kind === TEXT || kind === TEXT_ESCAPE) {
        this.text(str(meta[at + 1], meta[at + 2]), kind === TEXT_ESCAPE)
        at += 3
        continue
      }
      const n = kind === END ? 0 : meta[at + 1]
      at += kind === END ? 1 : 2
      let id = meta[at++]
      let info
      if (id === NAME_INLINE) {
        info = r.info(str(meta[at], meta[at + 1]))
        at += 2
      } else {
        info = r.knownInfo(id)
      }
      if (kind === END) {
        this.end(info.name, info.isVoid)
        continue
      }
      // The attributes: as an object when a callback can see them, and as written when
      // none changes them before the tag is written.
      let attribs = info.seen || r.track ? {} : null
      let serialized = info.seen ? null : ''
      const writes = info.writes
      const first = at
      for (let k = 0; k < n; k++) {
        id = meta[at++]
        let a
        let attrOpen = ''
        if (id === NAME_INLINE) {
          a = str(meta[at], meta[at + 1])
          at += 2
          if (serialized !== null) {
            // A name not written as is: the object decides (it orders integer-like keys
            // first and drops '__proto__'); read the attributes again into one.
            serialized = null
            if (attribs === null) {
              attribs = {}
              at = first
              k = -1
              continue
            }
          }
        } else {
          a = RECORD_NAMES[id]
          // An attribute the policy drops by name is not written (attribs still has it).
          attrOpen = writes === null || writes[id] ? ATTR_OPEN[id] : null
        }
        const start = meta[at]
        const v = str(start, meta[at + 1])
        at += 2
        if (attribs !== null) attribs[a] = v
        if (serialized !== null && attrOpen !== null) {
          serialized += attrOpen + ((start & ESCAPE) !== 0 ? escapeAttr(v) : v) + '"'
        }
      }
      this.open(info, attribs, kind === START_SELF_CLOSING, serialized)
      if (info.isVoid) this.close(info.name, true)
    }
    while (this.stack.length > 0) this.close(this.stack[this.stack.length - 1].tag, true)
    this.parts.push(this.cur)
    return this.parts.join('')
  }
}

/**
 * Compiles the callback side of `options` (checked by normalize) with `normalized`
 * (its complete option set). Returns `(batch) => intermediate HTML` (batch: policy.records(input)).
 */
function compileCallbacks(callbacks, normalized) {
  const rules = new Rules(callbacks, normalized)
  return (batch) => new Pass(rules).run(batch)
}

module.exports = { compileCallbacks }
