import { markdown } from '../../harness/report/markdown.js';
import { terminal } from '../../harness/report/terminal.js';
import { fixture } from './fixtures.js';
console.log(terminal.render(fixture));
console.log('=================');
console.log(markdown.render(fixture));
