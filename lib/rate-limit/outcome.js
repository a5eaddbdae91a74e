'use strict'
// skipFailedRequests / skipSuccessfulRequests: gives a counted hit back when the response
// turns out failed (or successful).
//
// The listeners go on the response before any async work (the store's answer, an async
// keyGenerator), as express-rate-limit does since it lost hits this way: a client that hangs
// up while the store is still answering closes the response before any later listener
// exists. An outcome seen before the hit is counted waits for the count (a decrement that
// overtook its increment would be lost, or would take back another request's hit).

/**
 * Watches `res` and returns `counted(key, limit, resetMs, refundable)`, to call once the hit
 * is counted. Before that call nothing is given back; a request that is skipped or fails
 * before counting never calls it, and its outcome is ignored.
 *
 * `giveBack(key, limit)` takes one hit back (errors are logged by the caller's function).
 */
function watchOutcome(req, res, config, giveBack, logger) {
  let armed = false
  let wanted = false
  let done = false
  let hitKey
  let hitLimit = 0
  let hitResetMs
  const decrement = () => {
    if (done) return
    if (!armed) {
      wanted = true
      return
    }
    done = true
    if (hitResetMs !== undefined && Date.now() >= hitResetMs) return // the window is gone
    giveBack(hitKey, hitLimit)
  }
  const judge = (success) => {
    if (success ? config.skipSuccessfulRequests : config.skipFailedRequests) decrement()
  }
  const failedJudging = (error) =>
    logger.error(error, 'rampart/rate-limit: error in requestWasSuccessful callback.')
  res.once('finish', () => {
    try {
      const success = config.requestWasSuccessful(req, res)
      if (success !== null && typeof success === 'object' && typeof success.then === 'function') {
        success.then(judge, failedJudging)
      } else judge(success)
    } catch (error) {
      failedJudging(error)
    }
  })
  if (config.skipFailedRequests) {
    // Judged when `close` fires, not later: a handler that writes after the client left
    // (the store answered late) must not hide the early close.
    res.once('close', () => {
      if (!res.writableEnded) decrement()
    })
    res.once('error', decrement)
  }
  return function counted(key, limit, resetMs, refundable) {
    if (armed) return
    armed = true
    hitKey = key
    hitLimit = limit
    hitResetMs = resetMs
    if (!refundable) done = true
    else if (wanted) decrement()
  }
}

module.exports = { watchOutcome }
