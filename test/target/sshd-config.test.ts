import t from 'tap';
import { explainSshdTestFailure, renderSshdDropIn, type SshdSettings } from '../../harness/target/sshd-config.js';

const FILE = '/etc/ssh/sshd_config.d/50-hangup-lab.conf';

const settings: SshdSettings = {
  ClientAliveInterval: 1,
  ClientAliveCountMax: 2,
  TCPKeepAlive: false,
  extra: ['Foo bar', 'MaxSessions 10'],
};

t.test('the drop-in is a header, the scenario lines, then the harness lines', async t => {
  const { text } = renderSshdDropIn(settings);
  t.equal(
    text,
    [
      '# written by hangup-lab from the scenario',
      'ClientAliveInterval 1',
      'ClientAliveCountMax 2',
      'TCPKeepAlive no',
      'Foo bar',
      'MaxSessions 10',
      'MaxStartups 200:30:400',
      'LogLevel VERBOSE',
      'PasswordAuthentication no',
      '',
    ].join('\n'),
  );
});

t.test('TCPKeepAlive true is written as yes', async t => {
  t.match(renderSshdDropIn({ ...settings, TCPKeepAlive: true }).text, /^TCPKeepAlive yes$/m);
});

t.test('scenario extra lines come before the harness defaults, so the scenario wins in sshd', async t => {
  const lines = renderSshdDropIn({ ...settings, extra: ['LogLevel DEBUG3'] }).text.split('\n');
  t.ok(lines.indexOf('LogLevel DEBUG3') < lines.indexOf('LogLevel VERBOSE'));
});

t.test('each line of the drop-in has an origin at the same index', async t => {
  const { text, origins } = renderSshdDropIn(settings);
  const lines = text.split('\n').slice(0, -1); // the text ends with a newline
  t.equal(origins.length, lines.length);
  t.same(origins, [
    'header',
    'sshd.ClientAliveInterval',
    'sshd.ClientAliveCountMax',
    'sshd.TCPKeepAlive',
    'sshd.extra[0]',
    'sshd.extra[1]',
    'harness default',
    'harness default',
    'harness default',
  ]);
  t.equal(lines[origins.indexOf('sshd.extra[1]')], 'MaxSessions 10');
});

t.test('without extra lines the harness lines follow TCPKeepAlive directly', async t => {
  const { text, origins } = renderSshdDropIn({ ...settings, extra: [] });
  t.equal(text.split('\n')[4], 'MaxStartups 200:30:400');
  t.equal(origins[4], 'harness default');
});

t.test('an sshd -t error on a line maps back to the scenario field of that line', async t => {
  const dropIn = renderSshdDropIn(settings);
  const r = explainSshdTestFailure(`${FILE} line 5: Bad configuration option: Foo\n`, dropIn, FILE);
  t.same(r, { origin: 'sshd.extra[0]', problem: 'Foo bar: Bad configuration option: Foo' });
});

t.test('the "file: line N:" form sshd uses for unknown keywords maps back the same way', async t => {
  const dropIn = renderSshdDropIn(settings);
  const out = `${FILE}: line 5: Bad configuration option: Foo\n${FILE}: terminating, 1 bad configuration options\n`;
  t.same(explainSshdTestFailure(out, dropIn, FILE), { origin: 'sshd.extra[0]', problem: 'Foo bar: Bad configuration option: Foo' });
});

t.test('an error on a value line maps to the matching sshd field', async t => {
  const dropIn = renderSshdDropIn(settings);
  const r = explainSshdTestFailure(`${FILE} line 2: integer value invalid.\n`, dropIn, FILE);
  t.same(r, { origin: 'sshd.ClientAliveInterval', problem: 'ClientAliveInterval 1: integer value invalid.' });
});

t.test('the file-and-line message is found after other output lines', async t => {
  const dropIn = renderSshdDropIn(settings);
  const out = `debug1: reading config\n${FILE} line 6: unsupported option "x".\n`;
  t.equal(explainSshdTestFailure(out, dropIn, FILE).origin, 'sshd.extra[1]');
});

t.test('an error on a harness line is attributed to the harness default', async t => {
  const dropIn = renderSshdDropIn(settings);
  t.equal(explainSshdTestFailure(`${FILE} line 8: unsupported log level 'x'`, dropIn, FILE).origin, 'harness default');
});

t.test('output that does not name the drop-in is attributed to sshd, with its first line', async t => {
  const dropIn = renderSshdDropIn(settings);
  const r = explainSshdTestFailure('\nsshd: no hostkeys available -- exiting.\nsecond line\n', dropIn, FILE);
  t.same(r, { origin: 'sshd', problem: 'sshd: no hostkeys available -- exiting.' });
});

t.test('an error in another config file is attributed to sshd', async t => {
  const dropIn = renderSshdDropIn(settings);
  const r = explainSshdTestFailure('/etc/ssh/sshd_config line 5: missing argument.', dropIn, FILE);
  t.equal(r.origin, 'sshd');
});

t.test('a line number past the end of the drop-in is attributed to sshd', async t => {
  const dropIn = renderSshdDropIn(settings);
  t.equal(explainSshdTestFailure(`${FILE} line 99: Bad configuration option: X`, dropIn, FILE).origin, 'sshd');
});

t.test('dots in the file name are matched literally', async t => {
  const dropIn = renderSshdDropIn(settings);
  const r = explainSshdTestFailure('/etc/ssh/sshd_config.d/50-hangup-labXconf line 5: bad', dropIn, FILE);
  t.equal(r.origin, 'sshd');
});
