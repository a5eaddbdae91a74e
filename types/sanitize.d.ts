// Types for rampart/sanitize: sanitize-html's API on a native sanitizer, plus escapeHtml and
// the sanitize() middleware.
import type { IncomingMessage, ServerResponse } from 'node:http'

/** sanitize-html's frame, as `exclusiveFilter` sees it. */
export interface SanitizeFrame {
  /** The tag name as written in the input (before transformTags). */
  tag: string
  attribs: Record<string, string>
  /** The element's text content so far (decoded). */
  text: string
  tagPosition: number
  /** Media children (img, audio, video, picture, svg, object, map, iframe, embed) met inside. */
  mediaChildren: string[]
}

/** What a transformTags function returns. */
export interface TransformedTag {
  tagName: string
  attribs: Record<string, string>
  /** Replaces the element's text. */
  text?: string
}
export type TransformTag = (tagName: string, attribs: Record<string, string>) => TransformedTag

/**
 * sanitize-html's options. Top-level keys replace the defaults (`sanitizeHtml.defaults`), as
 * in sanitize-html. What the options or callbacks let through is still checked: `on*`
 * attributes, `srcdoc`, `javascript:`/`vbscript:` URLs and script-bearing CSS never reach the
 * output. Options rampart refuses throw a `SanitizeOptionsError` when the policy is created.
 */
export interface SanitizeHtmlOptions {
  /**
   * Tags kept (lower-case names). `script` only with `allowedScriptHostnames` or
   * `allowedScriptDomains` (its `src` checked, its content never written). `false` (every tag
   * but `script`) only with `allowedAttributes: false` and `allowVulnerableTags: true`. A
   * falsy value other than `false` allows no tag; a string is one tag name.
   */
  allowedTags?: readonly string[] | string | false | null | 0 | ''
  /**
   * Attributes kept, by tag; `'*'` applies to every tag; names may use `*` globs
   * (`'data-*'`), or `{ name, values, multiple }` to keep only listed values (`multiple`:
   * a space-separated list, the listed words kept). `false` allows every attribute. Event
   * handlers (`on*`) and `srcdoc` are always removed, and listing one throws.
   */
  allowedAttributes?:
    | Readonly<
        Record<
          string,
          ReadonlyArray<string | { name: string; values: readonly string[]; multiple?: boolean }>
        >
      >
    | false
  /** Classes kept in `class`, by tag (`'*'` for every tag): names, `*` globs, RegExps (Rust regex syntax), or `false` (every class). */
  allowedClasses?: Readonly<Record<string, ReadonlyArray<string | RegExp> | false>>
  /** CSS properties kept in `style`, by tag (`'*'` for every tag), each with the RegExps its value must match (one is enough). */
  allowedStyles?: Readonly<Record<string, Readonly<Record<string, readonly RegExp[]>>>>
  /** URL schemes allowed in URL attributes. Default: http https ftp mailto tel. `javascript`/`vbscript` throw. */
  allowedSchemes?: readonly string[]
  /** Per-tag scheme lists that replace `allowedSchemes` for that tag (`{ img: ['data'] }`). */
  allowedSchemesByTag?: Readonly<Record<string, readonly string[]>>
  /** Attributes checked as URLs (in addition to the URL attributes always checked). */
  allowedSchemesAppliedToAttributes?: readonly string[]
  /** Keep protocol-relative URLs (`//host/path`). Default: true. */
  allowProtocolRelative?: boolean
  /**
   * `'discard'` (default): drop disallowed tags, keep their text. `'escape'`: show them as
   * text. `'recursiveEscape'`: show them and everything inside them as text.
   * `'completelyDiscard'`: drop them and the text directly inside them.
   */
  disallowedTagsMode?: 'discard' | 'escape' | 'recursiveEscape' | 'completelyDiscard'
  /** Disallowed tags whose content is dropped too. Default: script style textarea option xmp. */
  nonTextTags?: readonly string[]
  /** Void tags written in the `<br />` form; other void tags are written `<br>`. */
  selfClosing?: readonly string[]
  /** Renames tags (`{ i: 'em' }`), or a function per tag (`'*'`: every tag), e.g. `sanitizeHtml.simpleTransform('em')`. */
  transformTags?: Readonly<Record<string, string | TransformTag>>
  /** Return true to drop the element and its content, `'excludeTag'` to drop only the tag. */
  exclusiveFilter?: (frame: SanitizeFrame) => boolean | 'excludeTag'
  /** Rewrites each text (already escaped); what it returns is HTML and is cleaned again. */
  textFilter?: (text: string, tagName: string | undefined) => string
  /** Called for every start tag of the input (name, decoded attributes). */
  onOpenTag?: (name: string, attribs: Record<string, string>) => void
  /** Called for every end tag, `isImplied` when the parser closed the element. */
  onCloseTag?: (name: string, isImplied: boolean) => void
  /** Hostnames an `<iframe src>` may point to (URL parsed per the WHATWG URL standard). */
  allowedIframeHostnames?: readonly string[]
  /** Domains an `<iframe src>` may point to (the domain or any subdomain). */
  allowedIframeDomains?: readonly string[]
  /** Relative iframe URLs; default true unless a hostname or domain list is set. */
  allowIframeRelativeUrls?: boolean
  /** Hostnames a `<script src>` may point to; makes `<script>` allowable (src only). */
  allowedScriptHostnames?: readonly string[]
  /** Domains a `<script src>` may point to; makes `<script>` allowable (src only). */
  allowedScriptDomains?: readonly string[]
  /** Nontext attributes dropped when their value is empty (unless in `allowedEmptyAttributes`). */
  nonBooleanAttributes?: readonly string[]
  /** Attributes kept even with an empty value. Default: alt. */
  allowedEmptyAttributes?: readonly string[]
  /** Silences sanitize-html's warning for `style` in allowedTags; needed for `allowedTags: false`. */
  allowVulnerableTags?: boolean
  /** Default true: style values are parsed and rewritten (`prop:value;...`); false keeps them as written (script-bearing CSS still dropped). */
  parseStyleAttributes?: boolean
  /** Only what is inside `<html>...</html>` is kept, when the input has it. */
  enforceHtmlBoundary?: boolean
  /** Only `false` in the escape modes (accepted and ignored with `'discard'`). */
  preserveEscapedAttributes?: boolean
  /** rampart's own: open allowed elements deeper than this are dropped, text kept. Default 256 (1..10000). */
  nestingLimit?: number
}

/** The defaults, as sanitize-html's `sanitizeHtml.defaults` (frozen: copy before extending). */
export interface SanitizeHtmlDefaults {
  readonly allowedTags: readonly string[]
  readonly nonBooleanAttributes: readonly string[]
  readonly disallowedTagsMode: 'discard'
  readonly allowedAttributes: Readonly<Record<string, readonly string[]>>
  readonly allowedEmptyAttributes: readonly string[]
  readonly selfClosing: readonly string[]
  readonly allowedSchemes: readonly string[]
  readonly allowedSchemesByTag: Readonly<Record<string, readonly string[]>>
  readonly allowedSchemesAppliedToAttributes: readonly string[]
  readonly allowProtocolRelative: true
  readonly enforceHtmlBoundary: false
  readonly parseStyleAttributes: true
  readonly preserveEscapedAttributes: false
  readonly nonTextTags: readonly string[]
  readonly nestingLimit: number
}

/** Thrown when options cannot be honoured (at policy creation, never while cleaning). */
export declare class SanitizeOptionsError extends TypeError {
  readonly code: 'ERR_SANITIZE_OPTIONS'
}

/** A compiled sanitizer: `(dirty) => clean`. */
export type Sanitizer = (dirty: unknown) => string

/**
 * Sanitizes `dirty`. Non-strings: null/undefined give '', numbers/booleans/bigints their
 * `String()`, anything else ''. The policy is compiled once per options object and cached.
 */
export declare function sanitizeHtml(dirty: unknown, options?: SanitizeHtmlOptions): string
type SanitizeHtmlFn = typeof sanitizeHtml
type CreateSanitizerFn = typeof createSanitizer
type EscapeHtmlFn = typeof escapeHtml
type SanitizeFn = typeof sanitize
type SanitizeOptionsErrorClass = typeof SanitizeOptionsError
/** `require('rampart/sanitize')` is sanitizeHtml, with the named exports as properties. */
export declare namespace sanitizeHtml {
  const defaults: SanitizeHtmlDefaults
  const sanitizeHtml: SanitizeHtmlFn
  const createSanitizer: CreateSanitizerFn
  const escapeHtml: EscapeHtmlFn
  const sanitize: SanitizeFn
  const SanitizeOptionsError: SanitizeOptionsErrorClass
  /** sanitize-html's simpleTransform: renames the tag, sets attributes (merged unless `merge` is false). */
  function simpleTransform(
    newTagName: string,
    newAttribs?: Record<string, string>,
    merge?: boolean,
  ): TransformTag
}

/** Compiles `options` once; the returned function cleans with them. */
export declare function createSanitizer(options?: SanitizeHtmlOptions): Sanitizer

/** Escapes `& < > " '`: the result is safe in HTML content and in quoted attributes. */
export declare function escapeHtml(text: unknown): string

/** Options of the `sanitize()` middleware; with `mode: 'html'` the sanitizeHtml options go here too. */
export interface SanitizeMiddlewareOptions extends SanitizeHtmlOptions {
  /** `'text'` (default): strip every tag. `'html'`: the allowlist. `'escape'`: escape the text. */
  mode?: 'text' | 'html' | 'escape'
  /** Dotted paths (`'comment.body'`); a step that meets an array applies to every element. */
  fields?: readonly string[]
  /** Also clean `req.query`. Default false. */
  query?: boolean
  /** Also clean `req.params`. Default false. */
  params?: boolean
}

/** A request as the middleware sees it: node:http's, plus what body parsers and routers add. */
export type SanitizeRequest = IncomingMessage & { body?: unknown; query?: unknown; params?: unknown }

/** Middleware that cleans every string in `req.body` (and `req.query` / `req.params` when asked). */
export declare function sanitize(
  options?: SanitizeMiddlewareOptions,
): (req: SanitizeRequest, res: ServerResponse, next: (err?: unknown) => void) => void

export default sanitizeHtml
