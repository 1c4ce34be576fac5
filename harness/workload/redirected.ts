import { defineWorkload } from './types.js';

export default defineWorkload({
  name: 'redirected',
  summary: "writes its heartbeat every 200 ms to a file in the user's home: it moves its own stdout and stderr there first, as `cmd > out.log 2>&1` does",
  // Nothing it writes goes to the session, so no write of it can fail with EIO or SIGPIPE there.
  writesToSession: false,
  redirectsOutput: true,
});
