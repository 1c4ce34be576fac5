import { defineWorkload } from './types.js';

export default defineWorkload({
  name: 'quiet',
  summary: 'never touches its stdout or stderr',
  writesToSession: false,
});
