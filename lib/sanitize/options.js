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

// sanitize-html options that take JavaScript callbacks or features rampart does not have.
const UNSUPPORTED = {
  exclusiveFilter: 'it is a JavaScript callback run per element',
  textFilter: 'it is a JavaScript callback run per text node',
  onOpenTag: 'it is a JavaScript callback run per element',
  onCloseTag: 'it is a JavaScript callback run per element',
  allowedStyles:
    'per-property style filtering is not implemented; leave style out of allowedAttributes or allow it whole',
  allowedIframeHostnames: 'iframe hostname filtering is not implemented',
  allowedIframeDomains: 'iframe domain filtering is not implemented',
  allowIframeRelativeUrls: 'iframe URL filtering is not implemented',
  allowedScriptHostnames: 'rampart never allows <script>',
  allowedScriptDomains: 'rampart never allows <script>',
  parser: 'the parser is html5ever (the HTML standard); htmlparser2 options do not apply',
}

const KNOWN = new Set([...Object.keys(defaults), 'allowedClasses', 'transformTags', 'allowVulnerableTags'])

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

  if (o.allowedTags === false) {
    fail(
      'allowedTags: false (every tag) cannot be honoured: it would let <script> through; list the tags instead',
    )
  }
  const mode = o.disallowedTagsMode
  if (mode !== 'discard' && mode !== 'escape') {
    fail(`disallowedTagsMode must be 'discard' or 'escape' (got ${JSON.stringify(mode)})`)
  }
  if (o.enforceHtmlBoundary) fail('enforceHtmlBoundary: true is not supported')
  if (o.preserveEscapedAttributes) fail('preserveEscapedAttributes: true is not supported')
  for (const flag of ['allowProtocolRelative', 'parseStyleAttributes']) {
    if (typeof o[flag] !== 'boolean') fail(`${flag} must be a boolean`)
  }
  const transformTags = {}
  if (o.transformTags !== undefined) {
    if (o.transformTags === null || typeof o.transformTags !== 'object')
      fail('transformTags must be an object')
    for (const [from, to] of Object.entries(o.transformTags)) {
      if (typeof to !== 'string') {
        fail(
          `transformTags.${from} cannot be honoured: only the name-to-name form ({ ${from}: 'newname' }) is supported, not ${typeof to === 'function' ? 'a function (or sanitizeHtml.simpleTransform)' : typeof to}`,
        )
      }
      transformTags[from] = to
    }
  }
  const attrItem = (item, name) => {
    if (typeof item !== 'string')
      fail(`${name}: only attribute names are supported (the { name, values } form is not)`)
  }
  const limit = o.nestingLimit
  if (!Number.isInteger(limit) || limit < 1 || limit > 10000)
    fail('nestingLimit must be an integer from 1 to 10000')
  return {
    allowedTags: stringList(o.allowedTags, 'allowedTags'),
    allowedAttributes:
      o.allowedAttributes === false ? null : listMap(o.allowedAttributes, 'allowedAttributes', attrItem),
    allowedClasses: o.allowedClasses === undefined ? {} : listMap(o.allowedClasses, 'allowedClasses'),
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
  }
}

module.exports = { defaults, normalize, SanitizeOptionsError }
