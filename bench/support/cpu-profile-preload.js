/**
 * Preloaded (NODE_OPTIONS=--require) into the daemons bench/proxy-profile.ts starts: Node refuses --cpu-prof
 * in NODE_OPTIONS, so this starts V8's sampling profiler through the inspector and writes
 * <ACS_CPU_PROFILE_DIR>/<pid>.cpuprofile on exit (a same-thread inspector session answers synchronously,
 * so the exit handler can still write it).
 */
'use strict';
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.ACS_CPU_PROFILE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.ACS_CPU_PROFILE_INTERVAL_US) || 200 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
