// The floor for a child-process round trip: a bare forked child (started with
// serialization: 'advanced', as multipool's Pool) that sends every message
// straight back.
process.on('message', (message) => process.send(message));
// Exit with the parent, even when it forgets to kill us.
process.on('disconnect', () => process.exit(0));
// The parent waits for this before its first message, so none is sent before we listen.
process.send('ready');
