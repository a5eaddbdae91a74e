'use strict'
// Reading numeric settings from the environment, with a clear error for a bad value.

function numberEnv(name, fallback, min = 0) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number >= ${min}, got ${raw}`)
  return n
}

module.exports = { numberEnv }
