'use strict'
// sanitize-html's options: the defaults, the checks, and the merge into the complete
// option set the native policy compiles. Everything here runs once per options object.

const freezeList = (list) => Object.freeze(list.slice())

// sanitize-html 2.17's defaults, frozen: read them, copy and extend them, never mutate them
// (policies compiled from them are cached).
const defaults = Object.freeze({
  allowedTags: freezeList([
    'address',
    'article',
    'aside',
    'footer',
    'header',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'hgroup',
    'main',
    'nav',
    'section',
    'blockquote',
    'dd',
    'div',
    'dl',
    'dt',
    'figcaption',
    'figure',
    'hr',
    'li',
    'menu',
    'ol',
    'p',
    'pre',
    'ul',
    'a',
    'abbr',
    'b',
    'bdi',
    'bdo',
    'br',
    'cite',
    'code',
    'data',
    'dfn',
    'em',
    'i',
    'kbd',
    'mark',
    'q',
    'rb',
    'rp',
    'rt',
    'rtc',
    'ruby',
    's',
    'samp',
    'small',
    'span',
    'strong',
    'sub',
    'sup',
    'time',
    'u',
    'var',
    'wbr',
    'caption',
    'col',
    'colgroup',
    'table',
    'tbody',
    'td',
    'tfoot',
    'th',
    'thead',
    'tr',
  ]),
  nonBooleanAttributes: freezeList([
    'abbr',
    'accept',
    'accept-charset',
    'accesskey',
    'action',
    'allow',
    'alt',
    'as',
    'autocapitalize',
    'autocomplete',
    'blocking',
    'charset',
    'cite',
    'class',
    'color',
    'cols',
    'colspan',
    'content',
    'contenteditable',
    'coords',
    'crossorigin',
    'data',
    'datetime',
    'decoding',
    'dir',
    'dirname',
    'download',
    'draggable',
    'enctype',
    'enterkeyhint',
    'fetchpriority',
    'for',
    'form',
    'formaction',
    'formenctype',
    'formmethod',
    'formtarget',
    'headers',
    'height',
    'hidden',
    'high',
    'href',
    'hreflang',
    'http-equiv',
    'id',
    'imagesizes',
    'imagesrcset',
    'inputmode',
    'integrity',
    'is',
    'itemid',
    'itemprop',
    'itemref',
    'itemtype',
    'kind',
    'label',
    'lang',
    'list',
    'loading',
    'low',
    'max',
    'maxlength',
    'media',
    'method',
    'min',
    'minlength',
    'name',
    'nonce',
    'optimum',
    'pattern',
    'ping',
    'placeholder',
    'popover',
    'popovertarget',
    'popovertargetaction',
    'poster',
    'preload',
    'referrerpolicy',
    'rel',
    'rows',
    'rowspan',
    'sandbox',
    'scope',
    'shape',
    'size',
    'sizes',
    'slot',
    'span',
    'spellcheck',
    'src',
    'srcdoc',
    'srclang',
    'srcset',
    'start',
    'step',
    'style',
    'tabindex',
    'target',
    'title',
    'translate',
    'type',
    'usemap',
    'value',
    'width',
    'wrap',
  ]),
  disallowedTagsMode: 'discard',
  allowedAttributes: Object.freeze({
    a: freezeList(['href', 'name', 'target']),
    img: freezeList(['src', 'srcset', 'alt', 'title', 'width', 'height', 'loading']),
  }),
  allowedEmptyAttributes: freezeList(['alt']),
  selfClosing: freezeList(['img', 'br', 'hr', 'area', 'base', 'basefont', 'input', 'link', 'meta']),
  allowedSchemes: freezeList(['http', 'https', 'ftp', 'mailto', 'tel']),
  allowedSchemesByTag: Object.freeze({}),
  allowedSchemesAppliedToAttributes: freezeList([
    'href',
    'src',
    'cite',
    'action',
    'formaction',
    'data',
    'xlink:href',
    'poster',
    'background',
    'ping',
    'longdesc',
    'usemap',
    'codebase',
    'classid',
    'archive',
    'profile',
    'manifest',
    'itemid',
    'dynsrc',
    'lowsrc',
  ]),
  allowProtocolRelative: true,
  enforceHtmlBoundary: false,
  parseStyleAttributes: true,
  preserveEscapedAttributes: false,
  // Not in sanitize-html's defaults object, but its default all the same.
  nonTextTags: freezeList(['script', 'style', 'textarea', 'option', 'xmp']),
  // rampart's own: open allowed elements deeper than this are dropped (text kept).
  nestingLimit: 256,
})

// sanitize-html options rampart does not have, and why.
const UNSUPPORTED = {
  parser: 'the parser is html5ever (the HTML standard); htmlparser2 options do not apply',
}

// The JavaScript callbacks: run over a batch of tag and text records (lib/sanitize/callbacks.js).
const CALLBACKS = ['exclusiveFilter', 'textFilter', 'onOpenTag', 'onCloseTag']

const KNOWN = new Set([
  ...Object.keys(defaults),
  ...CALLBACKS,
  'allowedClasses',
  'transformTags',
  'allowVulnerableTags',
  'allowedStyles',
  'allowedIframeHostnames',
  'allowedIframeDomains',
  'allowIframeRelativeUrls',
  'allowedScriptHostnames',
  'allowedScriptDomains',
])

const MODES = ['discard', 'escape', 'recursiveEscape', 'completelyDiscard']
const VULNERABLE_TAGS = ['script', 'style']

class SanitizeOptionsError extends TypeError {
  constructor(message) {
    super(`rampart/sanitize: ${message}`)
    this.name = 'SanitizeOptionsError'
    this.code = 'ERR_SANITIZE_OPTIONS'
  }
}

function fail(message) {
  throw new SanitizeOptionsError(message)
}

function stringList(value, name) {
  if (!Array.isArray(value)) fail(`${name} must be an array of strings`)
  for (const item of value) {
    if (typeof item !== 'string') {
      fail(
        `${name} must hold strings only (${item instanceof RegExp ? 'regular expressions are' : `${typeof item} is`} not supported)`,
      )
    }
  }
  return value.slice()
}

function listMap(value, name, checkItem) {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail(`${name} must be an object of arrays`)
  const out = {}
  for (const key of Object.keys(value)) {
    const list = value[key]
    if (!Array.isArray(list)) fail(`${name}.${key} must be an array`)
    if (checkItem) list.forEach((item) => checkItem(item, `${name}.${key}`))
    out[key] = stringList(list, `${name}.${key}`)
  }
  return out
}

/**
 * Merges `options` over the defaults the way sanitize-html does (top-level keys replace
 * the default), checks every value, and returns the complete set the native policy takes.
 */
function normalize(options) {
  if (options === undefined || options === null) options = {}
  if (typeof options !== 'object') fail('options must be an object')
  for (const key of Object.keys(options)) {
    if (options[key] === undefined) continue
    if (Object.hasOwn(UNSUPPORTED, key)) fail(`the option '${key}' cannot be honoured: ${UNSUPPORTED[key]}`)
    if (!KNOWN.has(key)) fail(`unknown option '${key}'`)
  }
  const o = { ...defaults }
  for (const key of Object.keys(options)) if (options[key] !== undefined) o[key] = options[key]
  // sanitize-html: an allowedTags that is falsy but not false allows no tag.
  if (Object.hasOwn(options, 'allowedTags') && !options.allowedTags && options.allowedTags !== false) {
    o.allowedTags = []
  }
  // sanitize-html reads a string allowedTags with indexOf; rampart takes it as one tag name.
  if (typeof o.allowedTags === 'string') o.allowedTags = [o.allowedTags]

  // Every tag: only when asked for twice (sanitize-html warns about it), and never <script>.
  const allTags = o.allowedTags === false
  if (allTags && !(o.allowedAttributes === false && o.allowVulnerableTags === true)) {
    fail(
      'allowedTags: false (every tag) is only honoured with allowedAttributes: false and allowVulnerableTags: true; list the tags instead',
    )
  }
  if (allTags) o.allowedTags = []
  const mode = o.disallowedTagsMode
  if (!MODES.includes(mode)) {
    fail(
      `disallowedTagsMode must be one of ${MODES.map((m) => `'${m}'`).join(', ')} (got ${JSON.stringify(mode)})`,
    )
  }
  if (typeof o.preserveEscapedAttributes !== 'boolean') fail('preserveEscapedAttributes must be a boolean')
  for (const flag of ['allowProtocolRelative', 'parseStyleAttributes', 'enforceHtmlBoundary']) {
    if (typeof o[flag] !== 'boolean') fail(`${flag} must be a boolean`)
  }
  if (o.allowVulnerableTags !== undefined && typeof o.allowVulnerableTags !== 'boolean')
    fail('allowVulnerableTags must be a boolean')
  if (Array.isArray(o.allowedTags) && !o.allowVulnerableTags) {
    for (const tag of VULNERABLE_TAGS) {
      // sanitize-html's own warning, word for word.
      if (o.allowedTags.includes(tag))
        console.warn(
          `\n\n⚠️ Your \`allowedTags\` option includes, \`${tag}\`, which is inherently\nvulnerable to XSS attacks. Please remove it from \`allowedTags\`.\nOr, to disable this warning, add the \`allowVulnerableTags\` option\nand ensure you are accounting for this risk.\n\n`,
        )
    }
  }
  for (const key of CALLBACKS) {
    if (o[key] !== undefined && typeof o[key] !== 'function') fail(`${key} must be a function`)
  }
  if (o.allowedStyles !== undefined && !o.parseStyleAttributes) {
    fail('allowedStyles option cannot be used together with parseStyleAttributes: false.')
  }
  const transformTags = {}
  if (o.transformTags !== undefined) {
    if (o.transformTags === null || typeof o.transformTags !== 'object')
      fail('transformTags must be an object')
    for (const [from, to] of Object.entries(o.transformTags)) {
      if (typeof to === 'function') continue // the callback path (lib/sanitize/callbacks.js)
      if (typeof to !== 'string') fail(`transformTags.${from} must be a tag name or a function`)
      if (from !== '*') transformTags[from] = to
    }
  }
  // allowedAttributes: names, or { name, values, multiple } (split out for the native side).
  const attributeValues = {}
  let allowedAttributes = null
  if (o.allowedAttributes !== false) {
    const map = o.allowedAttributes
    if (map === null || typeof map !== 'object' || Array.isArray(map))
      fail('allowedAttributes must be an object of arrays')
    allowedAttributes = {}
    for (const tag of Object.keys(map)) {
      const list = map[tag]
      if (!Array.isArray(list)) fail(`allowedAttributes.${tag} must be an array`)
      allowedAttributes[tag] = []
      for (const item of list) {
        if (typeof item === 'string') allowedAttributes[tag].push(item)
        else if (
          item &&
          typeof item === 'object' &&
          typeof item.name === 'string' &&
          Array.isArray(item.values)
        ) {
          attributeValues[tag] = attributeValues[tag] || {}
          attributeValues[tag][item.name] = {
            values: stringList(item.values, `allowedAttributes.${tag}.${item.name}.values`),
            multiple: item.multiple === true,
          }
        } else fail(`allowedAttributes.${tag}: items must be attribute names or { name, values, multiple }`)
      }
    }
  }
  // allowedClasses: names and globs, RegExps, or false (every class) per tag.
  const allowedClasses = {}
  const allowedClassesPatterns = {}
  const allowedClassesAny = []
  if (o.allowedClasses !== undefined) {
    const map = o.allowedClasses
    if (map === null || typeof map !== 'object' || Array.isArray(map))
      fail('allowedClasses must be an object')
    for (const tag of Object.keys(map)) {
      const list = map[tag]
      if (list === false) {
        allowedClassesAny.push(tag)
        continue
      }
      if (!Array.isArray(list)) fail(`allowedClasses.${tag} must be an array or false`)
      allowedClasses[tag] = []
      for (const item of list) {
        if (typeof item === 'string') allowedClasses[tag].push(item)
        else if (item instanceof RegExp) {
          ;(allowedClassesPatterns[tag] = allowedClassesPatterns[tag] || []).push(pattern(item))
        } else fail(`allowedClasses.${tag}: items must be strings or RegExps`)
      }
    }
  }
  let allowedStyles = null
  if (o.allowedStyles !== undefined) {
    const map = o.allowedStyles
    if (map === null || typeof map !== 'object') fail('allowedStyles must be an object')
    allowedStyles = {}
    for (const tag of Object.keys(map)) {
      const props = map[tag]
      if (props === null || typeof props !== 'object') fail(`allowedStyles.${tag} must be an object`)
      allowedStyles[tag] = {}
      for (const prop of Object.keys(props)) {
        const list = props[prop]
        if (!Array.isArray(list) || !list.every((r) => r instanceof RegExp))
          fail(`allowedStyles.${tag}.${prop} must be an array of RegExps`)
        allowedStyles[tag][prop] = list.map(pattern)
      }
    }
  }
  const hosts = (key) => (o[key] === undefined ? null : stringList(o[key], key))
  if (o.allowIframeRelativeUrls !== undefined && typeof o.allowIframeRelativeUrls !== 'boolean')
    fail('allowIframeRelativeUrls must be a boolean')
  const limit = o.nestingLimit
  if (!Number.isInteger(limit) || limit < 1 || limit > 10000)
    fail('nestingLimit must be an integer from 1 to 10000')
  return {
    allowedTags: stringList(o.allowedTags, 'allowedTags'),
    allowedAttributes,
    allowedClasses,
    allowedSchemes: stringList(o.allowedSchemes, 'allowedSchemes'),
    allowedSchemesByTag: listMap(o.allowedSchemesByTag, 'allowedSchemesByTag'),
    allowedSchemesAppliedToAttributes: stringList(
      o.allowedSchemesAppliedToAttributes,
      'allowedSchemesAppliedToAttributes',
    ),
    allowProtocolRelative: o.allowProtocolRelative,
    disallowedTagsMode: mode,
    nonTextTags: stringList(o.nonTextTags, 'nonTextTags'),
    selfClosing: stringList(o.selfClosing, 'selfClosing'),
    transformTags,
    nonBooleanAttributes: stringList(o.nonBooleanAttributes, 'nonBooleanAttributes'),
    allowedEmptyAttributes: stringList(o.allowedEmptyAttributes, 'allowedEmptyAttributes'),
    nestingLimit: limit,
    attributeValues,
    allowedClassesPatterns,
    allowedClassesAny,
    allowedStyles,
    parseStyleAttributes: o.parseStyleAttributes,
    allowedIframeHostnames: hosts('allowedIframeHostnames'),
    allowedIframeDomains: hosts('allowedIframeDomains'),
    allowIframeRelativeUrls: o.allowIframeRelativeUrls === undefined ? null : o.allowIframeRelativeUrls,
    allowedScriptHostnames: hosts('allowedScriptHostnames'),
    allowedScriptDomains: hosts('allowedScriptDomains'),
    enforceHtmlBoundary: o.enforceHtmlBoundary,
    allTags,
    preserveEscapedAttributes: o.preserveEscapedAttributes,
  }
}

/** A RegExp as the native side takes it (compiled there with Rust's regex syntax). */
function pattern(re) {
  return { source: re.source, flags: re.flags }
}

/** The callbacks in `options` (for lib/sanitize/callbacks.js), or null when there is none. */
function callbacksOf(options) {
  if (!options) return null
  const out = {}
  let any = false
  for (const key of CALLBACKS) {
    if (typeof options[key] === 'function') {
      out[key] = options[key]
      any = true
    }
  }
  const tt = options.transformTags
  if (tt && typeof tt === 'object') {
    for (const [from, to] of Object.entries(tt)) {
      if (typeof to === 'function' || from === '*') {
        out.transformTags = tt
        any = true
        break
      }
    }
  }
  return any ? out : null
}

module.exports = { defaults, normalize, callbacksOf, SanitizeOptionsError }
