// Preloaded into the server by bench/profile.ts (node --import ./bench/profiler.mjs):
// SIGUSR2 starts a CPU profile in this process; the next SIGUSR2 stops it and
// writes it to $PROFILE_DIR/profile-N.cpuprofile (then prints "profiled N").
// Unlike --cpu-prof it leaves out start-up (migrations, tsx compiling the
// sources), so a profile holds only the load the bench sent.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.PROFILE_DIR ?? '.';
const session = new Session();
session.connect();
const post = (method, params = {}) =>
  new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );
let running = false;
let count = 0;
process.on('SIGUSR2', () => {
  if (!running) {
    running = true;
    void post('Profiler.enable')
      .then(() => post('Profiler.setSamplingInterval', { interval: 200 }))
      .then(() => post('Profiler.start'))
      .then(() => process.stderr.write(`profiling ${count + 1}\n`));
    return;
  }
  running = false;
  void post('Profiler.stop').then(({ profile }) => {
    count += 1;
    writeFileSync(path.join(dir, `profile-${count}.cpuprofile`), JSON.stringify(profile));
    process.stderr.write(`profiled ${count}\n`);
  });
});
