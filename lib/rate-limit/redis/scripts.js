'use strict'
// The RedisStore's Lua scripts. Each touches exactly one key (KEYS[1]), so on a Redis
// Cluster it runs on the one node that owns that key's slot and never crosses slots.
// ARGV[1] is "now" in ms from the app server, or 'redis' to read it from Redis's TIME
// inside the script: app servers whose clocks disagree then share exact windows.
// Every script returns Redis's "now" last, so the store can put reset times back on the
// app server's clock for the headers. Redis 7 replicates scripts by effects, so TIME
// before a write is allowed and replicas receive the computed values.
const crypto = require('node:crypto')

const NOW = `
local now = tonumber(ARGV[1])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end`

// Fixed window: hash { h: hits, r: reset time in ms }.
const FIXED_WINDOW = `${NOW}
local window = tonumber(ARGV[2])
local reset = tonumber(redis.call('HGET', KEYS[1], 'r'))
local hits
if reset == nil or reset <= now then
  reset = now + window
  hits = 1
  redis.call('HSET', KEYS[1], 'h', 1, 'r', string.format('%.3f', reset))
  redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil(window)))
else
  hits = redis.call('HINCRBY', KEYS[1], 'h', 1)
end
return { hits, string.format('%.3f', reset), string.format('%.3f', now) }`

// GCRA: hash { t: theoretical arrival time in ms }. Blocked: used = limit + 1 and the
// reset is the earliest time a retry passes; allowed: used = limit - remaining and the
// reset is when the whole burst is back.
const GCRA = `${NOW}
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
if limit < 1 then
  return { 1, string.format('%.3f', now + window), string.format('%.3f', now) }
end
local t = window / limit
local tat = tonumber(redis.call('HGET', KEYS[1], 't')) or now
if tat < now then tat = now end
local nextTat = tat + t
local allowAt = nextTat - window
if now < allowAt then
  return { limit + 1, string.format('%.3f', allowAt), string.format('%.3f', now) }
end
redis.call('HSET', KEYS[1], 't', string.format('%.3f', nextTat))
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil(nextTat - now)))
local remaining = math.floor((window - (nextTat - now)) / t + 1e-9)
return { limit - remaining, string.format('%.3f', nextTat), string.format('%.3f', now) }`

// Takes one request back, only while the window / bucket is live.
const DECREMENT = `${NOW}
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local r = tonumber(redis.call('HGET', KEYS[1], 'r'))
if r ~= nil then
  if r > now and tonumber(redis.call('HGET', KEYS[1], 'h') or '0') > 0 then
    redis.call('HINCRBY', KEYS[1], 'h', -1)
  end
  return 1
end
local tat = tonumber(redis.call('HGET', KEYS[1], 't'))
if tat ~= nil and tat > now and limit >= 1 then
  redis.call('HSET', KEYS[1], 't', string.format('%.3f', math.max(now, tat - window / limit)))
end
return 1`

// Read-only: the hash's fields and "now", so get() needs no second command for the clock.
const READ = `${NOW}
local v = redis.call('HMGET', KEYS[1], 'h', 'r', 't')
return { v[1] or '', v[2] or '', v[3] or '', string.format('%.3f', now) }`

const script = (source) => ({ source, sha: crypto.createHash('sha1').update(source).digest('hex') })
const SCRIPTS = {
  fixed: script(FIXED_WINDOW),
  gcra: script(GCRA),
  decrement: script(DECREMENT),
  read: script(READ),
}

module.exports = { SCRIPTS }
