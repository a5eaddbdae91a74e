'use strict'
// Redis Cluster's key → slot mapping (CRC16-XMODEM of the hash tag, mod 16384), used once
// at start-up to choose shard tags that fall in evenly spaced slot ranges, so N shards of
// a hot key sit on different primaries of an evenly sliced cluster.
const SLOTS = 16384

const TABLE = new Uint16Array(256)
for (let i = 0; i < 256; i++) {
  let crc = i << 8
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  TABLE[i] = crc
}

/** The cluster slot of `key` (its `{hash tag}` when it has a non-empty one), as CLUSTER KEYSLOT. */
function keySlot(key) {
  let bytes = Buffer.from(key)
  const open = bytes.indexOf(0x7b) // '{'
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1) // '}'
    if (close > open + 1) bytes = bytes.subarray(open + 1, close)
  }
  let crc = 0
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]
  return crc % SLOTS
}

/** `count` hash tags; tag i hashes into the i-th of `count` equal slot ranges. */
function spreadTags(count) {
  const tags = []
  for (let i = 0; i < count; i++) {
    const from = Math.floor((i * SLOTS) / count)
    const to = Math.floor(((i + 1) * SLOTS) / count)
    // Every range holds at least 16 slots (count <= 1024), so a match comes within a few thousand tries.
    for (let j = 0; ; j++) {
      const tag = `rl${i}.${j}`
      const slot = keySlot(tag)
      if (slot >= from && slot < to) {
        tags.push(tag)
        break
      }
    }
  }
  return tags
}

module.exports = { keySlot, spreadTags, SLOTS }
