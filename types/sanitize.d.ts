// Types for rampart/sanitize: sanitize-html's API on a native sanitizer, plus escapeHtml and
// the sanitize() middleware.
import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * sanitize-html's options (the subset rampart honours). Top-level keys replace the
 * defaults (`sanitizeHtml.defaults`), as in sanitize-html. Options that need JavaScript
 * callbacks (`exclusiveFilter`, `textFilter`, function `transformTags`, ...) throw a
 * `SanitizeOptionsError` when the policy is created.
 */
export interface SanitizeHtmlOptions {
  /** Tags kept (lower-case names). `script` can never be allowed; `false` (all tags) is refused. */
  allowedTags?: readonly string[]
  /**
   * Attributes kept, by tag; `'*'` applies to every tag; names may use `*` globs
   * (`'data-*'`). `false` allows every attribute. Event handlers (`on*`) and `srcdoc` are
   * always removed, and listing one throws.
   */
  allowedAttributes?: Readonly<Record<string, readonly string[]>> | false
  /** Classes kept in `class`, by tag (`'*'` for every tag); `*` globs allowed. */
  allowedClasses?: Readonly<Record<string, readonly string[]>>
  /** URL schemes allowed in URL attributes. Default: http https ftp mailto tel. `javascript`/`vbscript` throw. */
  allowedSchemes?: readonly string[]
  /** Per-tag scheme lists that replace `allowedSchemes` for that tag (`{ img: ['data'] }`). */
  allowedSchemesByTag?: Readonly<Record<string, readonly string[]>>
  /** Attributes checked as URLs (in addition to the URL attributes always checked). */
  allowedSchemesAppliedToAttributes?: readonly string[]
  /** Keep protocol-relative URLs (`//host/path`). Default: true. */
  allowProtocolRelative?: boolean
  /** `'discard'` (default): drop disallowed tags, keep their text. `'escape'`: show them as text. */
  disallowedTagsMode?: 'discard' | 'escape'
  /** Disallowed tags whose content is dropped too. Default: script style textarea option xmp. */
  nonTextTags?: readonly string[]
  /** Void tags written in the `<br />` form; other void tags are written `<br>`. */
  selfClosing?: readonly string[]
  /** Renames tags before the allowlist applies (`{ i: 'em' }`); only the name-to-name form. */
  transformTags?: Readonly<Record<string, string>>
  /** Attributes dropped when their value is empty (unless in `allowedEmptyAttributes`). */
  nonBooleanAttributes?: readonly string[]
  /** Attributes kept even with an empty value. Default: alt. */
  allowedEmptyAttributes?: readonly string[]
  /** Accepted for compatibility; `<script>` stays refused. */
  allowVulnerableTags?: boolean
  /** Accepted for compatibility (style values are kept whole, minus script-bearing CSS). */
  parseStyleAttributes?: boolean
  /** Only `false` (the default) is supported. */
  enforceHtmlBoundary?: false
  /** Only `false` (the default) is supported. */
  preserveEscapedAttributes?: false
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
