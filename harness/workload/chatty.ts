import { defineWorkload } from './types.js';

export default defineWorkload({
  name: 'chatty',
  summary: 'writes a heartbeat line to its stdout (the session) every 200 ms, as most programs print something',
  writesToSession: true,
});
