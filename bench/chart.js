'use strict'
// A hand-written SVG horizontal bar chart, shared by the micro benchmarks (rampart's speed-up
// against each peer, log scale) and the end-to-end benchmark (throughput relative to bare
// Express, linear scale). No chart library: plain SVG elements that render the same in
// browsers, GitHub and rsvg.

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif'
const COLORS = { faster: '#2f9e5b', slower: '#d1495b', target: '#1f2933', grid: '#d9dee4', zebra: '#f6f8fa' }

function escapeXml(text) {
  return String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c],
  )
}

const fmt = (n) => Number(n.toFixed(1))

function truncate(text, maxChars) {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`
}

/** Ticks for a log axis: every decade, plus 2 and 5 when there are few decades. */
function logTicks(lo, hi) {
  const ticks = []
  const decades = Math.round(Math.log10(hi / lo))
  for (let e = Math.floor(Math.log10(lo) + 1e-9); e <= Math.ceil(Math.log10(hi) - 1e-9); e++) {
    for (const m of decades <= 3 ? [1, 2, 5] : [1]) {
      const v = m * 10 ** e
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(v)
    }
  }
  return ticks
}

/** The nearest 1, 2 or 5 × 10^k below (down) or above (up) v. */
function snapLog(v, direction) {
  const e = Math.floor(Math.log10(v))
  const steps = [1, 2, 5, 10].map((m) => m * 10 ** e)
  return direction === 'down'
    ? steps.filter((s) => s <= v * 1.0001).pop()
    : steps.find((s) => s >= v * 0.9999)
}

function niceStep(span, count) {
  const raw = span / count
  const p = 10 ** Math.floor(Math.log10(raw))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p
  return 10 * p
}

function tickLabel(v, suffix) {
  const s = v >= 1 ? String(Number(v.toPrecision(3))) : String(Number(v.toPrecision(2)))
  return `${s}${suffix}`
}

/**
 * Renders a horizontal bar chart.
 * @param {object} spec
 * @param {string} spec.title
 * @param {string} [spec.subtitle]
 * @param {'log'|'linear'} [spec.scale] log: bars grow from `reference` (1×) both ways; linear: from 0
 * @param {number} [spec.reference] the "same as the baseline" value, drawn as a dashed line (default 1)
 * @param {string} [spec.axisSuffix] appended to tick labels (default '×')
 * @param {number} [spec.cap] log scale upper bound; longer bars are clipped and marked (default 1000)
 * @param {Array<{title: string, rows: Array<{label: string, labelSuffix?: string, value: number,
 *   text?: string, target?: number, color?: string}>}>} spec.sections
 * @param {Array<{color: string, label: string}>} [spec.legend]
 * @param {string} [spec.footnote]
 * @returns {string} the SVG document
 */
function renderBarChart(spec) {
  const scale = spec.scale || 'log'
  const reference = spec.reference ?? 1
  const suffix = spec.axisSuffix ?? '×'
  const cap = spec.cap ?? 1000
  const sections = spec.sections.filter((s) => s.rows.length > 0)
  const rows = sections.flatMap((s) => s.rows)

  const width = 980
  const pad = 18
  const rowH = 22
  const sectionH = 28
  const fullLabel = (r) => r.label + (r.labelSuffix || '')
  const labelChars = Math.min(66, Math.max(16, ...rows.map((r) => fullLabel(r).length)))
  const labelW = Math.round(labelChars * 6.4) + 16
  const valueW = 170
  const x0 = pad + labelW
  const x1 = width - pad - valueW
  let top = pad + 24
  if (spec.subtitle) top += 18
  const legend = spec.legend || []
  if (legend.length) top += 22
  const axisY = top + 14

  // Domain.
  const finite = rows.map((r) => r.value).filter((v) => Number.isFinite(v) && v > 0)
  const targets = rows.map((r) => r.target).filter((v) => Number.isFinite(v) && v > 0)
  const all = [...finite, ...targets, reference]
  let lo
  let hi
  let ticks
  let x
  if (scale === 'log') {
    lo = snapLog(Math.max(Math.min(...all) / 1.25, 1e-3), 'down')
    hi = snapLog(Math.min(Math.max(...all) * 1.25, cap), 'up')
    if (hi <= lo) hi = lo * 10
    const span = Math.log10(hi) - Math.log10(lo)
    x = (v) => x0 + ((Math.log10(Math.min(Math.max(v, lo), hi)) - Math.log10(lo)) / span) * (x1 - x0)
    ticks = logTicks(lo, hi)
  } else {
    lo = 0
    const step = niceStep(Math.max(...all) * 1.08, 6)
    hi = Math.ceil((Math.max(...all) * 1.08) / step) * step
    x = (v) => x0 + (Math.min(Math.max(v, 0), hi) / hi) * (x1 - x0)
    ticks = []
    for (let v = 0; v <= hi + step / 2; v += step) ticks.push(Number(v.toPrecision(6)))
  }

  const body = []
  let y = axisY + 10
  let zebra = 0
  for (const section of sections) {
    y += 6
    body.push(
      `<rect x="${pad}" y="${y}" width="${width - 2 * pad}" height="${sectionH - 4}" fill="#ffffff"/>`,
    )
    body.push(
      `<text x="${pad}" y="${y + 16}" font-size="13" font-weight="bold" fill="#1f2933">${escapeXml(section.title)}</text>`,
    )
    y += sectionH
    for (const row of section.rows) {
      const mid = y + rowH / 2
      if (zebra++ % 2 === 0) {
        body.push(
          `<rect x="${pad}" y="${y}" width="${width - 2 * pad}" height="${rowH}" fill="${COLORS.zebra}"/>`,
        )
      }
      // Long labels lose the end of their main part, never their suffix (" · vs peer").
      const suffixText = row.labelSuffix || ''
      const label = truncate(row.label, Math.max(8, labelChars - suffixText.length)) + suffixText
      const full = fullLabel(row)
      body.push(
        `<text x="${x0 - 8}" y="${fmt(mid + 4)}" font-size="11.5" text-anchor="end" fill="#1f2933">` +
          `${label !== full ? `<title>${escapeXml(full)}</title>` : ''}${escapeXml(label)}</text>`,
      )
      const v = row.value
      if (Number.isFinite(v) && v > 0) {
        const from = scale === 'log' ? x(reference) : x0
        const to = x(v)
        const color = row.color || (v >= reference ? COLORS.faster : COLORS.slower)
        const bx = Math.min(from, to)
        const bw = Math.max(Math.abs(to - from), 1.5)
        body.push(
          `<rect x="${fmt(bx)}" y="${fmt(mid - 6)}" width="${fmt(bw)}" height="12" rx="2" fill="${color}">` +
            `<title>${escapeXml(`${fullLabel(row)}: ${row.text || v}`)}</title></rect>`,
        )
        if (scale === 'log' && v > hi) {
          body.push(
            `<text x="${fmt(to - 4)}" y="${fmt(mid + 4)}" font-size="11" text-anchor="end" fill="#fff">»</text>`,
          )
        }
      }
      if (Number.isFinite(row.target) && row.target > 0) {
        const tx = fmt(x(row.target))
        body.push(
          `<line x1="${tx}" x2="${tx}" y1="${fmt(mid - 9)}" y2="${fmt(mid + 9)}" stroke="${COLORS.target}" stroke-width="2"/>`,
        )
      }
      const text = row.text ?? (Number.isFinite(v) ? `${Number(v.toPrecision(3))}${suffix}` : 'failed')
      // The value sits just past the end of a bar that grows right, or just right of the baseline.
      const start = scale === 'log' ? x(reference) : x0
      const end = Number.isFinite(v) && v > 0 ? Math.max(x(v), start) : start
      const tx = Number.isFinite(row.target) && Math.abs(x(row.target) - end) < 4 ? end + 4 : end
      body.push(
        `<text x="${fmt(tx + 6)}" y="${fmt(mid + 4)}" font-size="11.5" fill="#1f2933">${escapeXml(text)}</text>`,
      )
      y += rowH
    }
  }
  const plotBottom = y + 4
  const height = plotBottom + (spec.footnote ? 40 : 20)

  const axis = []
  for (const t of ticks) {
    const tx = fmt(x(t))
    axis.push(`<line x1="${tx}" x2="${tx}" y1="${axisY + 4}" y2="${plotBottom}" stroke="${COLORS.grid}"/>`)
    axis.push(
      `<text x="${tx}" y="${axisY}" font-size="11" text-anchor="middle" fill="#52606d">${escapeXml(tickLabel(t, suffix))}</text>`,
    )
  }
  const rx = fmt(x(reference))
  const referenceLine = `<line x1="${rx}" x2="${rx}" y1="${axisY + 4}" y2="${plotBottom}" stroke="#52606d" stroke-width="1.2" stroke-dasharray="4 3"/>`

  const head = [
    `<text x="${pad}" y="${pad + 12}" font-size="17" font-weight="bold" fill="#1f2933">${escapeXml(spec.title)}</text>`,
  ]
  let hy = pad + 12
  if (spec.subtitle) {
    hy += 18
    head.push(`<text x="${pad}" y="${hy}" font-size="11.5" fill="#52606d">${escapeXml(spec.subtitle)}</text>`)
  }
  if (legend.length) {
    hy += 20
    let lx = pad
    for (const item of legend) {
      const marker =
        item.kind === 'line'
          ? `<line x1="${lx + 5}" x2="${lx + 5}" y1="${hy - 10}" y2="${hy + 2}" stroke="${item.color}" stroke-width="2"${item.dashed ? ' stroke-dasharray="3 2"' : ''}/>`
          : `<rect x="${lx}" y="${hy - 9}" width="12" height="10" rx="2" fill="${item.color}"/>`
      head.push(marker)
      head.push(
        `<text x="${lx + 17}" y="${hy}" font-size="11.5" fill="#1f2933">${escapeXml(item.label)}</text>`,
      )
      lx += 30 + item.label.length * 6.6
    }
  }
  const foot = spec.footnote
    ? [
        `<text x="${pad}" y="${height - 16}" font-size="10.5" fill="#52606d">${escapeXml(spec.footnote)}</text>`,
      ]
    : []

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...head,
    ...axis,
    ...body,
    referenceLine,
    ...foot,
    '</svg>',
    '',
  ].join('\n')
}

module.exports = { renderBarChart, escapeXml, COLORS }
