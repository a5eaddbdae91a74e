'use strict'
// The callback path: sanitize-html's transformTags functions, exclusiveFilter, textFilter,
// onOpenTag and onCloseTag, run over one batch of tag and text records that Rust tokenized
// (policy.records: one native call). The callbacks' result is written as plain HTML and
// cleaned by the same native policy (a second call), so whatever a callback adds (a tag, an
// attribute, a javascript: URL, raw markup from textFilter) passes the same checks.

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
// Record kinds: the numbers src/sanitize/records.rs writes (HtmlPolicy.recordKinds(); a
// test ties them).
const RECORD_KINDS = [0, 1, 2, 3]
const [TEXT, END, , START_SELF_CLOSING] = RECORD_KINDS
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
  }
}

/** The compiled callback side of a policy (the options, once). */
class Rules {
  constructor(callbacks, normalized) {
    this.allowed = new Set(normalized.allowedTags)
    this.allTags = normalized.allTags === true
    this.nonText = new Set(normalized.nonTextTags)
    this.mode = normalized.disallowedTagsMode
    this.discard = this.mode === 'discard' || this.mode === 'completelyDiscard'
    this.exclusiveFilter = callbacks.exclusiveFilter || null
    this.textFilter = callbacks.textFilter || null
    this.onOpenTag = callbacks.onOpenTag || null
    this.onCloseTag = callbacks.onCloseTag || null
    this.transformMap = new Map()
    this.transformAll = null
    for (const [from, to] of Object.entries(callbacks.transformTags || {})) {
      if (from === '*') this.transformAll = transformFn(to)
      else this.transformMap.set(from, transformFn(to))
    }
    for (const [from, to] of Object.entries(normalized.transformTags)) {
      if (!this.transformMap.has(from)) this.transformMap.set(from, transformFn(to))
    }
  }
}

Rules.prototype.isAllowed = function (name) {
  return this.allowed.has(name) || (this.allTags && name !== 'script' && TAG_NAME.test(name))
}

/** One run of sanitize-html's handlers over one batch (its state, as sanitize-html keeps it). */
class Pass {
  constructor(rules) {
    this.r = rules
    this.result = ''
    this.stack = []
    this.skipText = false
    this.skipTextDepth = 0
    this.addedText = false
  }

  open(name, attribs, selfClosing) {
    const r = this.r
    if (r.onOpenTag !== null) r.onOpenTag(name, attribs)
    if (this.skipText) {
      this.skipTextDepth++
      return
    }
    const frame = new Frame(name, attribs, this.result.length)
    this.stack.push(frame)
    let outName = name
    const mapped = r.transformMap.get(name)
    if (mapped !== undefined) outName = this.transform(frame, mapped, outName)
    if (r.transformAll !== null) outName = this.transform(frame, r.transformAll, outName)
    attribs = frame.attribs
    frame.name = outName
    const skip = !r.isAllowed(outName) || !TAG_NAME.test(outName)
    frame.skip = skip
    if (skip && r.discard) {
      if (r.nonText.has(outName)) {
        this.skipText = true
        this.skipTextDepth = 1
      }
      if (frame.innerText) {
        const escaped = escapeText(frame.innerText)
        this.result += r.textFilter !== null ? r.textFilter(escaped, outName) : escaped
        this.addedText = true
      }
      return
    }
    // An escaped (disallowed) tag is written as it is: the native pass escapes it.
    let out = '<' + outName
    for (const a in attribs) {
      if (!Object.hasOwn(attribs, a) || !ATTR_NAME.test(a)) continue
      const v = attribs[a]
      out += ' ' + a + '="' + escapeAttr(v == null ? '' : v) + '"'
    }
    out += selfClosing && VOID.has(outName) ? ' />' : '>'
    if (frame.innerText && r.textFilter === null) {
      out += escapeText(frame.innerText)
      this.addedText = true
    }
    this.result += out
    frame.openingTagLength = this.result.length - frame.tagPosition
  }

  /** Applies one transformTags function to `frame`; returns the new tag name. */
  transform(frame, fn, name) {
    const t = fn(name, frame.attribs) || {}
    frame.attribs = t.attribs || {}
    if (t.text !== undefined) frame.innerText = t.text
    return typeof t.tagName === 'string' ? t.tagName : name
  }

  text(t) {
    if (this.skipText) return
    const r = this.r
    const last = this.stack.length > 0 ? this.stack[this.stack.length - 1] : null
    let tag
    if (last !== null) {
      tag = last.name
      if (last.innerText !== undefined) t = last.innerText
    }
    if (r.mode === 'completelyDiscard' && !r.isAllowed(tag)) {
      t = ''
    } else if (!this.addedText) {
      const escaped = escapeText(t)
      this.result += r.textFilter !== null ? r.textFilter(escaped, tag) : escaped
    }
    if (last !== null) last.text += t
  }

  close(name, isImplied) {
    const r = this.r
    if (r.onCloseTag !== null) r.onCloseTag(name, isImplied)
    if (this.skipText) {
      this.skipTextDepth--
      if (this.skipTextDepth) return
      this.skipText = false
    }
    const frame = this.stack.pop()
    if (frame === undefined) return
    const parent = this.stack.length > 0 ? this.stack[this.stack.length - 1] : null
    if (frame.skip && r.discard) {
      if (parent !== null) parent.text += frame.text
      return
    }
    if (r.exclusiveFilter !== null) {
      const verdict = r.exclusiveFilter(frame)
      if (verdict === 'excludeTag') {
        this.result =
          this.result.substring(0, frame.tagPosition) +
          this.result.substring(frame.tagPosition + frame.openingTagLength)
        return
      } else if (verdict) {
        this.result = this.result.substring(0, frame.tagPosition)
        return
      }
    }
    if (parent !== null) {
      if (MEDIA_TAGS.has(frame.tag)) parent.mediaChildren.push(frame.tag)
      parent.text += frame.text
    }
    if (!VOID.has(frame.name)) this.result += '</' + frame.name + '>'
    this.addedText = false
  }

  /** An end tag: closes the innermost open `name` (those inside it implied); stray ones dropped. */
  end(name) {
    const stack = this.stack
    let top = stack.length - 1
    while (top >= 0 && stack[top].tag !== name) top--
    if (top < 0 || VOID.has(name)) return
    while (stack.length - 1 > top) this.close(stack[stack.length - 1].tag, true)
    this.close(name, false)
  }

  /**
   * Records (src/sanitize/records.rs): strings end to end in batch.data, each given by its
   * end offset in batch.meta: TEXT end | END name_end | START(_SELF_CLOSING) n name_end
   * (attr_end value_end){n}.
   */
  run(batch) {
    const data = batch.data
    const meta = batch.meta
    const count = meta.length
    let from = 0
    let at = 0
    while (at < count) {
      const kind = meta[at]
      if (kind === TEXT) {
        const to = meta[at + 1]
        this.text(data.slice(from, to))
        from = to
        at += 2
      } else if (kind === END) {
        const to = meta[at + 1]
        this.end(data.slice(from, to))
        from = to
        at += 2
      } else {
        const n = meta[at + 1]
        let to = meta[at + 2]
        const name = data.slice(from, to)
        from = to
        const attribs = {}
        let j = at + 3
        for (let k = 0; k < n; k++, j += 2) {
          const nameEnd = meta[j]
          to = meta[j + 1]
          attribs[data.slice(from, nameEnd)] = data.slice(nameEnd, to)
          from = to
        }
        at = j
        this.open(name, attribs, kind === START_SELF_CLOSING)
        if (VOID.has(name)) this.close(name, true)
      }
    }
    while (this.stack.length > 0) this.close(this.stack[this.stack.length - 1].tag, true)
    return this.result
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

module.exports = { compileCallbacks, RECORD_KINDS }
