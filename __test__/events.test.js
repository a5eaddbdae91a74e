'use strict'
// The security-event stream: the event's shape, the '*' channel, tolerance of odd requests,
// and that rampart/errors exports the same emitter.
const test = require('node:test')
const assert = require('node:assert/strict')
const { events, report, EVENT_TYPES } = require('../lib/events')

function capture(t, type) {
  const seen = []
  const listener = (event) => seen.push(event)
  events.on(type, listener)
  t.after(() => events.off(type, listener))
  return seen
}

test('the contract’s event types', () => {
  assert.deepEqual([...EVENT_TYPES].sort(), [
    'auth.failed',
    'auth.forbidden',
    'body.rejected',
    'cors.rejected',
    'input.rejected',
    'ratelimit.exceeded',
    'validation.failed',
  ])
})

for (const type of EVENT_TYPES) {
  test(`report('${type}') emits { type, time, ip, method, path, reason } to its listeners and '*'`, (t) => {
    const typed = capture(t, type)
    const all = capture(t, '*')
    const before = Date.now()
    report(
      type,
      { ip: '203.0.113.9', method: 'POST', originalUrl: '/api/items?id=1', url: '/items?id=1' },
      'why',
    )
    assert.equal(typed.length, 1)
    assert.equal(all.length, 1)
    assert.equal(typed[0], all[0])
    const event = typed[0]
    assert.deepEqual(Object.keys(event), ['type', 'time', 'ip', 'method', 'path', 'reason'])
    assert.equal(event.type, type)
    assert.ok(event.time >= before && event.time <= Date.now())
    assert.equal(event.ip, '203.0.113.9')
    assert.equal(event.method, 'POST')
    assert.equal(event.path, '/api/items')
    assert.equal(event.reason, 'why')
    assert.ok(Object.isFrozen(event))
  })
}

test('time comes from Date.now() (fake timers work)', (t) => {
  const seen = capture(t, 'auth.failed')
  t.mock.method(Date, 'now', () => 1234)
  report('auth.failed', {}, 'x')
  assert.equal(seen[0].time, 1234)
})

test('a request with no ip, method or path, or no request at all', (t) => {
  const seen = capture(t, 'body.rejected')
  report('body.rejected', {}, 'a')
  report('body.rejected', undefined, 'b')
  report('body.rejected', { socket: { remoteAddress: '::1' }, url: '/raw?x' }, 'c')
  report('body.rejected', { path: '/only-path' }, 'd')
  assert.deepEqual(
    seen.map((e) => [e.ip, e.method, e.path, e.reason]),
    [
      [undefined, undefined, undefined, 'a'],
      [undefined, undefined, undefined, 'b'],
      ['::1', undefined, '/raw', 'c'],
      [undefined, undefined, '/only-path', 'd'],
    ],
  )
})

test('nobody listening: report() builds nothing and returns', () => {
  const throwingReq = {
    get ip() {
      throw new Error('should not be read')
    },
  }
  assert.equal(events.listenerCount('ratelimit.exceeded'), 0)
  report('ratelimit.exceeded', throwingReq, 'x')
})

test('a throwing listener does not break the caller; it becomes a warning', async (t) => {
  const listener = () => {
    throw new Error('listener bug')
  }
  events.on('auth.forbidden', listener)
  t.after(() => events.off('auth.forbidden', listener))
  const warned = new Promise((resolve) => process.once('warning', resolve))
  assert.doesNotThrow(() => report('auth.forbidden', {}, 'x'))
  const warning = await warned
  assert.equal(warning.code, 'RAMPART_EVENT_LISTENER')
  assert.match(warning.message, /listener bug/)
})

test('rampart/errors exports the same emitter', () => {
  assert.equal(require('../lib/errors').events, events)
})
