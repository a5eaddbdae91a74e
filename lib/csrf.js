'use strict'
// rampart/csrf: CSRF protection for APIs that carry credentials in cookies.
// fetchMetadata() refuses cross-site state-changing requests by the browser's Fetch
// Metadata (Origin/Referer as the fallback); doubleCsrf() is csrf-csrf's double-submit
// token API, with the HMAC in Rust.
const { fetchMetadata } = require('./csrf/fetch-metadata')
const { doubleCsrf } = require('./csrf/double-csrf')

module.exports = { fetchMetadata, doubleCsrf }
