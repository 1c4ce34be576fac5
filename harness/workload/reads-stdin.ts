import { defineWorkload } from './types.js';

export default defineWorkload({
  name: 'reads-stdin',
  summary: 'blocks reading its stdin (terminal or pipe) and logs what each read returned: data, EOF, or an error such as EIO',
  writesToSession: false,
  readsStdin: true,
});
