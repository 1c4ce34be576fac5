import { defineWorkload } from './types.js';

export default defineWorkload({
  name: 'tree',
  summary: "a parent that starts a child every second and waits for it, as a shell script's `while :; do sleep 1; done`; every process of the tree logs its own signals",
  writesToSession: false,
  startsChildren: true,
});
