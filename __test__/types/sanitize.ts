// Type-level usage of rampart/sanitize: every export, the way a TypeScript user writes it.
import sanitizeHtmlDefault, {
  sanitizeHtml,
  createSanitizer,
  escapeHtml,
  sanitize,
  SanitizeOptionsError,
  type SanitizeHtmlOptions,
  type Sanitizer,
} from 'rampart/sanitize'
import express from 'express'

const options: SanitizeHtmlOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img'],
  allowedAttributes: { ...sanitizeHtml.defaults.allowedAttributes, '*': ['data-*'] },
  allowedClasses: { p: ['lead'] },
  allowedSchemesByTag: { img: ['https', 'data'] },
  disallowedTagsMode: 'escape',
  transformTags: { i: 'em' },
  nestingLimit: 100,
}
const clean: string = sanitizeHtmlDefault('<b>x</b>', options)
const sanitizer: Sanitizer = createSanitizer(options)
const out: string =
  sanitizer(clean) + escapeHtml('<a>') + sanitizeHtml(null) + sanitizeHtmlDefault.escapeHtml('&')
const viaDefault: Sanitizer = sanitizeHtmlDefault.createSanitizer({ allowedTags: [] })
sanitizeHtmlDefault.sanitize({ mode: 'text' })
console.log(viaDefault('<b>x</b>'), sanitizeHtmlDefault.defaults.allowedSchemes)

const app = express()
app.post(
  '/comments',
  express.json(),
  sanitize({ mode: 'html', fields: ['body'], allowedTags: ['b'] }),
  (req, res) => {
    res.json({ body: req.body, out })
  },
)
app.use(sanitize())
app.use(sanitize({ mode: 'escape', query: true, params: true }))

try {
  createSanitizer({ allowedTags: ['script'] })
} catch (err) {
  if (err instanceof SanitizeOptionsError) console.log(err.code)
}
