/**
 * One emulator in a process of its own, started by local/emulators.ts (plain JavaScript, so it starts the
 * same from the sources, the tests and the built CLI, which copies it beside its chunks). The pipeline
 * then has a core to itself while kinesalite or s3rver parses HTTP, JSON and LevelDB on the other.
 *
 * argv[2] is the JSON of `{ kind: 'kinesis' | 's3', dir?, buckets? }`. The parent has bound the port
 * already and sends the listening socket as the handle of its first message; this process answers
 * 'listening' at once (connections the parent accepted meanwhile follow as 'socket' messages), and
 * connections that arrive while it still loads the emulator wait for it. On the message 'stop' it exits.
 * It exits as well when the IPC channel closes (the parent exited or crashed), and leaves SIGINT to the
 * parent: Ctrl-C reaches the whole process group, and the parent stops its emulators itself.
 */
import { createServer } from 'node:http';

const config = JSON.parse(process.argv[2] ?? '{}');
/** The HTTP server once the emulator is loaded; connections accepted before wait in `early`. */
let target;
const early = [];

process.on('SIGINT', () => {});
process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', (err) => {
  console.error(`worktrace ${config.kind} emulator: ${err?.stack ?? err}`);
  process.exit(1);
});
process.on('message', (message, handle) => {
  if (message === 'stop') process.exit(0);
  if (message === 'socket' && handle) {
    // A connection the parent accepted before this process listened.
    if (target) serve(handle);
    else early.push(handle);
    return;
  }
  const listener = handle;
  if (!listener) return;
  // Paused, a socket reads nothing before the HTTP server takes it (it reads from the handle itself).
  listener.pauseOnConnect = true;
  listener.on('connection', (socket) => (target ? serve(socket) : early.push(socket)));
  process.send('listening');
});

/** Hands a paused socket to the HTTP server, then lets it read. */
function serve(socket) {
  // What an HTTP server's own listener does (noDelay): no Nagle delay on small responses.
  socket.setNoDelay(true);
  target.emit('connection', socket);
  socket.resume();
}

/** kinesalite's HTTP server; streams become ACTIVE immediately. */
async function kinesis() {
  const { default: kinesalite } = await import('kinesalite');
  return kinesalite({
    ...(config.dir ? { path: config.dir } : {}),
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: 100,
  });
}

/** s3rver's HTTP server on the directory, with the given buckets created. */
async function s3() {
  const { default: S3rver } = await import('s3rver');
  const s3rver = new S3rver({
    silent: true,
    directory: config.dir,
    vhostBuckets: false,
    configureBuckets: (config.buckets ?? []).map((name) => ({ name })),
  });
  // What S3rver.run() does before it listens: the parent listens for it.
  await s3rver.configureBuckets();
  return createServer(s3rver.callback());
}

target = await (config.kind === 'kinesis' ? kinesis() : s3());
for (const socket of early.splice(0)) serve(socket);
