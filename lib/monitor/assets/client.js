/* global document, window, EventSource */
// The live security page: one EventSource, every value written with textContent (event paths
// and reasons are attacker-chosen text, so nothing here ever parses them as HTML).
'use strict'
;(function () {
  // The event types come from the server's hello (lib/events.js keeps the one list).
  let TYPES = []
  const COLORS = {
    'auth.failed': '#ff6b6b',
    'auth.forbidden': '#f0a35e',
    'validation.failed': '#ffd166',
    'ratelimit.exceeded': '#5fa8ff',
    'cors.rejected': '#c792ea',
    'body.rejected': '#5fd38d',
    'input.rejected': '#4dd0e1',
  }
  const MAX_ROWS = 50
  const $ = (id) => document.getElementById(id)

  function el(tag, text, className) {
    const node = document.createElement(tag)
    if (text !== undefined && text !== null) node.textContent = String(text)
    if (className) node.className = className
    return node
  }

  function typeBadge(type) {
    const badge = el('span', type, 'type')
    badge.style.background = COLORS[type] || '#8a96a3'
    return badge
  }

  function time(ms) {
    return new Date(ms).toLocaleTimeString()
  }

  function addRow(e) {
    const body = $('latest').tBodies[0]
    const tr = document.createElement('tr')
    tr.dataset.type = e.type
    tr.appendChild(el('td', time(e.time)))
    const typeCell = el('td')
    typeCell.appendChild(typeBadge(e.type))
    tr.appendChild(typeCell)
    for (const v of [e.ip, e.method, e.path, e.route, e.reason]) {
      const td = el('td', v === null ? '—' : v)
      td.title = v === null ? '' : String(v)
      tr.appendChild(td)
    }
    body.insertBefore(tr, body.firstChild)
    while (body.rows.length > MAX_ROWS) body.deleteRow(body.rows.length - 1)
    $('latest-empty').hidden = true
  }

  function renderTotals(totals) {
    const box = $('totals')
    box.replaceChildren()
    for (const type of TYPES) {
      const item = el('span')
      item.dataset.type = type
      item.appendChild(typeBadge(type))
      item.appendChild(el('span', ` ${totals[type] || 0}`, 'count'))
      box.appendChild(item)
    }
  }

  function renderChart(rates) {
    const canvas = $('chart')
    const ratio = window.devicePixelRatio || 1
    const w = canvas.clientWidth || 960
    const h = canvas.clientHeight || 180
    canvas.width = w * ratio
    canvas.height = h * ratio
    const ctx = canvas.getContext('2d')
    ctx.scale(ratio, ratio)
    ctx.clearRect(0, 0, w, h)
    let max = 1
    for (const counts of rates) for (const t of TYPES) max = Math.max(max, counts[t] || 0)
    const pad = 24
    ctx.strokeStyle = '#2a333d'
    ctx.fillStyle = '#8a96a3'
    ctx.font = '11px system-ui, sans-serif'
    for (const f of [0, 0.5, 1]) {
      const y = h - pad - f * (h - pad * 1.5)
      ctx.beginPath()
      ctx.moveTo(pad + 8, y)
      ctx.lineTo(w, y)
      ctx.stroke()
      ctx.fillText(String(Math.round(f * max)), 0, y + 4)
    }
    const step = (w - pad - 8) / Math.max(1, rates.length - 1)
    for (const t of TYPES) {
      if (!rates.some((c) => c[t])) continue
      ctx.strokeStyle = COLORS[t]
      ctx.lineWidth = 2
      ctx.beginPath()
      rates.forEach((c, i) => {
        const x = pad + 8 + i * step
        const y = h - pad - ((c[t] || 0) / max) * (h - pad * 1.5)
        if (i === 0) ctx.moveTo(x, y)
        else ctx.lineTo(x, y)
      })
      ctx.stroke()
    }
    ctx.fillStyle = '#8a96a3'
    ctx.fillText('-60 s', pad + 8, h - 6)
    ctx.fillText('now', w - 24, h - 6)
  }

  function renderSources(top) {
    const body = $('sources').tBodies[0]
    body.replaceChildren()
    for (const s of top) {
      const tr = document.createElement('tr')
      tr.appendChild(el('td', s.ip))
      tr.appendChild(el('td', s.count, 'num'))
      const types = Object.entries(s.types)
        .sort((a, b) => b[1] - a[1])
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')
      tr.appendChild(el('td', types))
      body.appendChild(tr)
    }
  }

  function renderLimiters(limiters) {
    const body = $('limiters').tBodies[0]
    body.replaceChildren()
    for (const l of limiters) {
      const tr = document.createElement('tr')
      tr.appendChild(el('td', l.name))
      tr.appendChild(el('td', l.decisions || '—', 'num'))
      tr.appendChild(el('td', Math.max(l.blocked, l.blockedEvents), 'num'))
      const cell = el('td')
      const bar = el('div', undefined, 'bar')
      const fill = el('div')
      fill.style.width = `${Math.min(100, Math.round(l.peak * 100))}%`
      bar.appendChild(fill)
      bar.title = l.decisions
        ? `${Math.round(l.peak * 100)}% of the limit used at peak (last 10 s)`
        : 'no decisions seen'
      cell.appendChild(bar)
      tr.appendChild(cell)
      body.appendChild(tr)
    }
  }

  function renderStats(s) {
    renderTotals(s.totals)
    renderChart(s.rates)
    renderSources(s.top)
    renderLimiters(s.limiters)
    $('dropped').textContent = s.droppedEvents
      ? `(${s.droppedEvents} not listed during floods; counted above)`
      : ''
  }

  function renderPolicy(policy) {
    const dl = $('policy-headers')
    dl.replaceChildren()
    const headers = policy.headers || {}
    const names = Object.keys(headers)
    if (names.length === 0) dl.appendChild(el('dt', '(none seen yet)'))
    for (const name of names) {
      dl.appendChild(el('dt', name))
      dl.appendChild(el('dd', headers[name]))
    }
    $('policy-options').textContent = JSON.stringify(policy.options, null, 2)
  }

  function setStatus(state, text) {
    const s = $('status')
    s.dataset.state = state
    s.textContent = text
  }

  const source = new EventSource('stream')
  source.addEventListener('hello', (m) => {
    const hello = JSON.parse(m.data)
    if (Array.isArray(hello.types)) TYPES = hello.types
    $('latest').tBodies[0].replaceChildren()
    for (const e of hello.latest) addRow(e)
    renderStats(hello.stats)
    renderPolicy(hello.policy)
    setStatus('live', 'live')
  })
  source.addEventListener('security', (m) => addRow(JSON.parse(m.data)))
  source.addEventListener('stats', (m) => renderStats(JSON.parse(m.data)))
  source.addEventListener('error', () => setStatus('down', 'reconnecting…'))
})()
