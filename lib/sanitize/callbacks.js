'use strict'
// The callback path: sanitize-html's transformTags functions, exclusiveFilter, textFilter,
// onOpenTag and onCloseTag, run over one batch of tag and text records that Rust tokenized
// (policy.records: one native call). The callbacks' result is written as plain HTML and
// cleaned by the same native policy (a second call), so whatever a callback adds (a tag, an
// attribute, a javascript: URL, raw markup from textFilter) passes the same checks.

const MEDIA_TAGS = ['img', 'audio', 'video', 'picture', 'svg', 'object', 'map', 'iframe', 'embed']
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
const TAG_NAME = /^[a-zA-Z][a-zA-Z0-9-]*$/
// Names that stay one attribute when the intermediate HTML is parsed again.
const ATTR_NAME = /^[^\0\t\n\f\r /<=>"'`]+$/

function escapeText(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
function escapeAttr(s) {
  return escapeText(s).replace(/"/g, '&quot;')
}

/** sanitize-html's transformTags entry as a function (a string is simpleTransform(name)). */
function transformFn(t) {
  if (typeof t === 'function') return t
  return (tagName, attribs) => ({ tagName: t, attribs })
}

/**
 * Compiles the callback side of `options` (checked by normalize) with `normalized`
 * (its complete option set). Returns `(records) => intermediate HTML`.
 */
function compileCallbacks(callbacks, normalized) {
  const allowed = new Set(normalized.allowedTags)
  const nonText = normalized.nonTextTags
  const mode = normalized.disallowedTagsMode
  const discard = mode === 'discard' || mode === 'completelyDiscard'
  const { exclusiveFilter, textFilter, onOpenTag, onCloseTag } = callbacks
  const transformMap = Object.create(null)
  let transformAll = null
  for (const [from, to] of Object.entries(callbacks.transformTags || {})) {
    if (from === '*') transformAll = transformFn(to)
    else transformMap[from] = transformFn(to)
  }
  for (const [from, to] of Object.entries(normalized.transformTags)) {
    if (!(from in transformMap)) transformMap[from] = transformFn(to)
  }
  const tagAllowed = (name) => allowed.has(name)

  return function run(records) {
    let result = ''
    let stack = []
    let skipText = false
    let skipTextDepth = 0
    let addedText = false

    function Frame(tag, attribs) {
      this.tag = tag
      this.attribs = attribs
      this.tagPosition = result.length
      this.text = ''
      this.openingTagLength = 0
      this.mediaChildren = []
    }

    function open(name, attribs, selfClosing) {
      if (onOpenTag) onOpenTag(name, attribs)
      if (skipText) {
        skipTextDepth++
        return
      }
      const frame = new Frame(name, attribs)
      stack.push(frame)
      const hasText = !!frame.text
      let outName = name
      const apply = (fn) => {
        const t = fn(outName, attribs) || {}
        frame.attribs = attribs = t.attribs || {}
        if (t.text !== undefined) frame.innerText = t.text
        if (typeof t.tagName === 'string') outName = t.tagName
      }
      if (Object.hasOwn(transformMap, name)) apply(transformMap[name])
      if (transformAll) apply(transformAll)
      frame.name = outName
      const skip = !tagAllowed(outName) || !TAG_NAME.test(outName)
      frame.skip = skip
      if (skip && discard) {
        if (nonText.includes(outName)) {
          skipText = true
          skipTextDepth = 1
        }
        if (frame.innerText && !hasText) {
          const escaped = escapeText(frame.innerText)
          result += textFilter ? textFilter(escaped, outName) : escaped
          addedText = true
        }
        return
      }
      // An escaped (disallowed) tag is written as it is: the native pass escapes it.
      result += '<' + outName
      for (const a of Object.keys(attribs)) {
        if (!ATTR_NAME.test(a)) continue
        const v = attribs[a]
        result += ' ' + a + '="' + escapeAttr(v == null ? '' : v) + '"'
      }
      result += selfClosing && VOID.has(outName) ? ' />' : '>'
      if (frame.innerText && !hasText && !textFilter) {
        result += escapeText(frame.innerText)
        addedText = true
      }
      frame.openingTagLength = result.length - frame.tagPosition
    }

    function text(t) {
      if (skipText) return
      const last = stack[stack.length - 1]
      let tag
      if (last) {
        tag = last.name
        if (last.innerText !== undefined) t = last.innerText
      }
      if (mode === 'completelyDiscard' && !tagAllowed(tag)) {
        t = ''
      } else if (!addedText) {
        const escaped = escapeText(t)
        result += textFilter ? textFilter(escaped, tag) : escaped
      }
      if (last) last.text += t
    }

    function close(name, isImplied) {
      if (onCloseTag) onCloseTag(name, isImplied)
      if (skipText) {
        skipTextDepth--
        if (skipTextDepth) return
        skipText = false
      }
      const frame = stack.pop()
      if (!frame) return
      const parent = stack[stack.length - 1]
      const toParent = () => {
        if (parent) parent.text += frame.text
      }
      if (frame.skip && discard) {
        toParent()
        return
      }
      if (exclusiveFilter) {
        const r = exclusiveFilter(frame)
        if (r === 'excludeTag') {
          result =
            result.substring(0, frame.tagPosition) +
            result.substring(frame.tagPosition + frame.openingTagLength)
          return
        } else if (r) {
          result = result.substring(0, frame.tagPosition)
          return
        }
      }
      if (parent && MEDIA_TAGS.includes(frame.tag)) parent.mediaChildren.push(frame.tag)
      toParent()
      if (!VOID.has(frame.name)) result += '</' + frame.name + '>'
      addedText = false
    }

    // Records: S name n (attr value){n} selfClosing | E name | T text.
    for (let i = 0; i < records.length;) {
      const kind = records[i]
      if (kind === 'T') {
        text(records[i + 1])
        i += 2
      } else if (kind === 'E') {
        const name = records[i + 1]
        i += 2
        let at = stack.length - 1
        while (at >= 0 && stack[at].tag !== name) at--
        if (at < 0 || VOID.has(name)) continue // a stray end tag is dropped
        while (stack.length - 1 > at) close(stack[stack.length - 1].tag, true)
        close(name, false)
      } else {
        const name = records[i + 1]
        const n = Number(records[i + 2])
        const attribs = {}
        let j = i + 3
        for (let k = 0; k < n; k++, j += 2) attribs[records[j]] = records[j + 1]
        const selfClosing = records[j] === '1'
        i = j + 1
        open(name, attribs, selfClosing)
        if (VOID.has(name)) close(name, true)
      }
    }
    while (stack.length > 0) close(stack[stack.length - 1].tag, true)
    stack = []
    return result
  }
}

module.exports = { compileCallbacks }
