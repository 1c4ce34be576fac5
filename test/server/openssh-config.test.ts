import t from 'tap';
import {
  explainSshdTestFailure,
  parseServerFacts,
  penaltyExemptLine,
  renderSshdDropIn,
  type SshdServerFacts,
  type SshdSettings,
} from '../../harness/server/openssh-config.js';

const FILE = '/etc/ssh/sshd_config.d/50-hangup-lab.conf';

const settings: SshdSettings = {
  ClientAliveInterval: 1,
  ClientAliveCountMax: 2,
  TCPKeepAlive: false,
  extra: ['Foo bar', 'MaxSessions 10'],
};

// OpenSSH 8.4 / 9.2: no PerSourcePenalties, so no exemption line (sshd -t would reject it).
const OLD_SSHD: SshdServerFacts = { perSourcePenalties: false, linkSubnets: ['172.17.0.0/16'] };
// OpenSSH 10.0 on the default docker bridge.
const NEW_SSHD: SshdServerFacts = { perSourcePenalties: true, linkSubnets: ['172.17.0.0/16'] };

t.test('the drop-in is a header, the scenario lines, then the harness lines', async t => {
  const { text } = renderSshdDropIn(settings, OLD_SSHD);
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
  t.match(renderSshdDropIn({ ...settings, TCPKeepAlive: true }, OLD_SSHD).text, /^TCPKeepAlive yes$/m);
});

t.test('scenario extra lines come before the harness defaults, so the scenario wins in sshd', async t => {
  const lines = renderSshdDropIn({ ...settings, extra: ['LogLevel DEBUG3'] }, OLD_SSHD).text.split('\n');
  t.ok(lines.indexOf('LogLevel DEBUG3') < lines.indexOf('LogLevel VERBOSE'));
});

t.test('each line of the drop-in has an origin at the same index', async t => {
  const { text, origins } = renderSshdDropIn(settings, OLD_SSHD);
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
  const { text, origins } = renderSshdDropIn({ ...settings, extra: [] }, OLD_SSHD);
  t.equal(text.split('\n')[4], 'MaxStartups 200:30:400');
  t.equal(origins[4], 'harness default');
});

t.test('an sshd -t error on a line maps back to the scenario field of that line', async t => {
  const dropIn = renderSshdDropIn(settings, OLD_SSHD);
  const r = explainSshdTestFailure(`${FILE} line 5: Bad configuration option: Foo\n`, dropIn, FILE);
  t.same(r, { origin: 'sshd.extra[0]', problem: 'Foo bar: Bad configuration option: Foo' });
});

t.test('the "file: line N:" form sshd uses for unknown keywords maps back the same way', async t => {
  const dropIn = renderSshdDropIn(settings, OLD_SSHD);
  const out = `${FILE}: line 5: Bad configuration option: Foo\n${FILE}: terminating, 1 bad configuration options\n`;
  t.same(explainSshdTestFailure(out, dropIn, FILE), { origin: 'sshd.extra[0]', problem: 'Foo bar: Bad configuration option: Foo' });
});

t.test('an error on a value line maps to the matching sshd field', async t => {
  const dropIn = renderSshdDropIn(settings, OLD_SSHD);
  const r = explainSshdTestFailure(`${FILE} line 2: integer value invalid.\n`, dropIn, FILE);
  t.same(r, { origin: 'sshd.ClientAliveInterval', problem: 'ClientAliveInterval 1: integer value invalid.' });
});

t.test('the file-and-line message is found after other output lines', async t => {
  const dropIn = renderSshdDropIn(settings, OLD_SSHD);
  const out = `debug1: reading config\n${FILE} line 6: unsupported option "x".\n`;
  t.equal(explainSshdTestFailure(out, dropIn, FILE).origin, 'sshd.extra[1]');
});

t.test('an error on a harness line is attributed to the harness default', async t => {
  const dropIn = renderSshdDropIn(settings, OLD_SSHD);
  t.equal(explainSshdTestFailure(`${FILE} line 8: unsupported log level 'x'`, dropIn, FILE).origin, 'harness default');
});

t.test('output that does not name the drop-in is attributed to sshd, with its first line', async t => {
  const dropIn = renderSshdDropIn(settings, OLD_SSHD);
  const r = explainSshdTestFailure('\nsshd: no hostkeys available -- exiting.\nsecond line\n', dropIn, FILE);
  t.same(r, { origin: 'sshd', problem: 'sshd: no hostkeys available -- exiting.' });
});

t.test('an error in another config file is attributed to sshd', async t => {
  const dropIn = renderSshdDropIn(settings, OLD_SSHD);
  const r = explainSshdTestFailure('/etc/ssh/sshd_config line 5: missing argument.', dropIn, FILE);
  t.equal(r.origin, 'sshd');
});

t.test('a line number past the end of the drop-in is attributed to sshd', async t => {
  const dropIn = renderSshdDropIn(settings, OLD_SSHD);
  t.equal(explainSshdTestFailure(`${FILE} line 99: Bad configuration option: X`, dropIn, FILE).origin, 'sshd');
});

t.test('dots in the file name are matched literally', async t => {
  const dropIn = renderSshdDropIn(settings, OLD_SSHD);
  const r = explainSshdTestFailure('/etc/ssh/sshd_config.d/50-hangup-labXconf line 5: bad', dropIn, FILE);
  t.equal(r.origin, 'sshd');
});

// Output of SERVER_FACTS_SCRIPT, measured in the targets (debian-trixie, debian-bullseye).
const TRIXIE_FACTS =
  'persourcepenalties crash:90 authfail:5 noauth:1 grace-exceeded:10 refuseconnection:10 max:600 min:15 max-sources4:65536 max-sources6:65536 overflow:permissive overflow6:permissive\n' +
  '#routes\n172.17.0.0/16 dev eth0 proto kernel scope link src 172.17.0.3 \n';
const BULLSEYE_FACTS = '#routes\n172.17.0.0/16 dev eth0 proto kernel scope link src 172.17.0.2 \n';

t.test('server facts: OpenSSH 10.0 prints persourcepenalties in sshd -T, 8.4 does not', async t => {
  t.same(parseServerFacts(TRIXIE_FACTS), { perSourcePenalties: true, linkSubnets: ['172.17.0.0/16'] });
  t.same(parseServerFacts(BULLSEYE_FACTS), { perSourcePenalties: false, linkSubnets: ['172.17.0.0/16'] });
});

t.test('server facts: only the penalties keyword counts, not its sibling persourcepenaltyexemptlist alone', async t => {
  t.equal(parseServerFacts('persourcepenaltyexemptlist none\n#routes\n').perSourcePenalties, false);
});

t.test('server facts: every link subnet, and nothing that is not an IPv4 prefix', async t => {
  const out = '#routes\n172.17.0.0/16 dev eth0 proto kernel scope link src 172.17.0.3\n10.9.0.0/24 dev eth1 proto kernel scope link src 10.9.0.2\nRTNETLINK answers: junk\n\n';
  t.same(parseServerFacts(out).linkSubnets, ['172.17.0.0/16', '10.9.0.0/24']);
});

t.test('server facts: no routes section (ip missing) means no subnets', async t => {
  t.same(parseServerFacts('persourcepenalties crash:90\n'), { perSourcePenalties: true, linkSubnets: [] });
});

t.test('the exemption line lists the link subnets, only where sshd has penalties', async t => {
  t.equal(penaltyExemptLine(NEW_SSHD), 'PerSourcePenaltyExemptList 172.17.0.0/16');
  t.equal(penaltyExemptLine({ perSourcePenalties: true, linkSubnets: ['172.17.0.0/16', '10.9.0.0/24'] }), 'PerSourcePenaltyExemptList 172.17.0.0/16,10.9.0.0/24');
  t.equal(penaltyExemptLine(OLD_SSHD), null);
  t.equal(penaltyExemptLine({ perSourcePenalties: true, linkSubnets: [] }), null, 'an empty list is no line, not a bad one');
});

t.test('with penalties the drop-in ends with the exemption, attributed to the harness', async t => {
  const { text, origins } = renderSshdDropIn(settings, NEW_SSHD);
  const lines = text.split('\n').slice(0, -1);
  t.equal(lines.at(-1), 'PerSourcePenaltyExemptList 172.17.0.0/16');
  t.equal(origins.length, lines.length);
  t.match(origins.at(-1), /^harness default/);
});

t.test('a scenario PerSourcePenaltyExemptList comes first, so it wins in sshd', async t => {
  const lines = renderSshdDropIn({ ...settings, extra: ['PerSourcePenaltyExemptList 10.0.0.1'] }, NEW_SSHD).text.split('\n');
  t.ok(lines.indexOf('PerSourcePenaltyExemptList 10.0.0.1') < lines.indexOf('PerSourcePenaltyExemptList 172.17.0.0/16'));
});

t.test('without penalties the drop-in has no exemption line at all', async t => {
  t.notMatch(renderSshdDropIn(settings, OLD_SSHD).text, /PerSourcePenalty/);
});

t.test('an sshd -t error on the exemption line is attributed to the harness', async t => {
  const dropIn = renderSshdDropIn(settings, NEW_SSHD);
  const n = dropIn.text.split('\n').indexOf('PerSourcePenaltyExemptList 172.17.0.0/16') + 1;
  t.match(explainSshdTestFailure(`${FILE}: line ${n}: Bad configuration option: PerSourcePenaltyExemptList`, dropIn, FILE).origin, /^harness default/);
});
