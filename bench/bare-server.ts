/** The baseline for the emulator benchmark: a bare node:http server answering 204 to everything. */
import * as http from 'node:http';

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.statusCode = 204;
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address() as { port: number };
  process.stdout.write(`listening on http://127.0.0.1:${addr.port}\n`);
});
const sockets = new Set<import('node:net').Socket>();
server.on('connection', (s) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  for (const s of sockets) s.destroy();
});
