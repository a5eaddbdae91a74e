'use strict'
// Describes the machine a benchmark ran on, for the reports.
const os = require('node:os')

function describeMachine() {
  const cpus = os.cpus()
  return {
    cpu: cpus.length ? cpus[0].model.trim() : 'unknown CPU',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  }
}

function machineLine(m) {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.os}`
}

module.exports = { describeMachine, machineLine }
