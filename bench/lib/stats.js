'use strict'
// Small numeric helpers shared by the micro and end-to-end benchmark reports.

function median(values) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  if (xs.length === 0) return NaN
  const mid = xs.length >> 1
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2
}

/** A number with thousands separators and a sensible number of significant digits. */
function formatNumber(value) {
  if (!Number.isFinite(value)) return 'n/a'
  const abs = Math.abs(value)
  if (abs >= 100) return Math.round(value).toLocaleString('en-US')
  if (abs >= 10) return value.toFixed(1)
  if (abs >= 1) return value.toFixed(2)
  return value.toPrecision(3)
}

/** A count: an integer with thousands separators. */
function formatCount(value) {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a'
}

/** A ratio as "3.42×": two decimals under 10, one under 100, none above. */
function formatRatio(ratio) {
  if (!Number.isFinite(ratio)) return 'n/a'
  if (ratio >= 100) return `${Math.round(ratio)}×`
  if (ratio >= 10) return `${ratio.toFixed(1)}×`
  return `${ratio.toFixed(2)}×`
}

/** Rotates an array left by n places: round r starts with a different contender. */
function rotate(items, n) {
  if (items.length === 0) return []
  const k = ((n % items.length) + items.length) % items.length
  return items.slice(k).concat(items.slice(0, k))
}

module.exports = { median, formatNumber, formatCount, formatRatio, rotate }
