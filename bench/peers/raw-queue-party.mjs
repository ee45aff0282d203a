// One side of the bare queue channel (bench/workloads/queue-raw.ts): connects to the parent's socket, then
// as 'producer' writes n 20-byte frames, each awaited until its bytes are with the kernel; as 'consumer'
// reads them and writes a 17-byte acknowledgement per frame, then reports the ms from its first byte.
import { connect } from 'node:net';

const [n, role, name] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const FRAME = 20;
const ACK = 17;
const socket = connect(`\0${name}`);

if (role === 'producer') {
  socket.on('connect', async () => {
    socket.write('P');
    for (let i = 0; i < n; i++) {
      const frame = Buffer.alloc(FRAME);
      frame.writeUInt32LE(i, 4);
      await new Promise((resolve) => {
        socket.write(frame, () => resolve());
        if (socket.writableLength === 0) resolve();
      });
    }
  });
} else {
  let got = 0;
  let begin = 0;
  let pending = Buffer.alloc(0);
  socket.on('connect', () => socket.write('C'));
  socket.on('data', (chunk) => {
    if (got === 0) begin = performance.now();
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= FRAME) {
      pending = pending.subarray(FRAME);
      got++;
      const ack = Buffer.alloc(ACK);
      ack.writeUInt32LE(got, 0);
      socket.write(ack);
    }
    if (got === n) process.send(performance.now() - begin);
  });
}
