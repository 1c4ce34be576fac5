import t from 'tap';
import { aliveText, kernelText, parseAlive, parseKernel, SYSCTLS } from '../../harness/scenario/values.js';

t.test('parseAlive: "off" is no keepalive', async t => {
  t.equal(parseAlive('off'), null);
});

t.test('parseAlive: "INTERVAL/COUNTMAX" is read as numbers', async t => {
  t.same(parseAlive('15/3'), { intervalS: 15, countMax: 3 });
  t.same(parseAlive('1/2'), { intervalS: 1, countMax: 2 });
  t.same(parseAlive('1/0'), { intervalS: 1, countMax: 0 });
  t.same(parseAlive('600/10'), { intervalS: 600, countMax: 10 });
});

t.test('parseAlive: an interval of 0 is rejected with the fix ("off")', async t => {
  t.throws(() => parseAlive('0/3'), { message: '"0/3": an interval of 0 disables keepalive; write "off"' });
});

t.test('parseAlive: anything else is rejected, quoting the value and the expected form', async t => {
  for (const bad of ['1-2', '15', '/3', '15/', '', ' 15/3', '15/3 ', '-1/2', '1.5/2', '1/2/3', 'OFF', 'on', 'none', '0']) {
    t.throws(() => parseAlive(bad), { message: `"${bad}" is not "INTERVAL/COUNTMAX" (e.g. "15/3") or "off"` }, JSON.stringify(bad));
  }
});

t.test('aliveText: interval 0 is "off", anything else "I/C"', async t => {
  t.equal(aliveText(0, 3), 'off');
  t.equal(aliveText(0, 0), 'off');
  t.equal(aliveText(15, 3), '15/3');
  t.equal(aliveText(1, 0), '1/0');
});

t.test('aliveText and parseAlive round-trip', async t => {
  for (const [i, c] of [
    [1, 2],
    [15, 3],
    [5, 0],
  ] as const) {
    t.same(parseAlive(aliveText(i, c)), { intervalS: i, countMax: c });
  }
  t.equal(parseAlive(aliveText(0, 3)), null);
});

t.test('SYSCTLS: the TCP keepalive and retransmission timers, nothing else', async t => {
  t.same([...SYSCTLS], ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_retries2']);
});

t.test('parseKernel: "default" is no setting', async t => {
  t.same(parseKernel('default'), {});
});

t.test('parseKernel: short names get the net.ipv4. prefix, full names are kept', async t => {
  t.same(parseKernel('tcp_retries2=3'), { 'net.ipv4.tcp_retries2': '3' });
  t.same(parseKernel('net.ipv4.tcp_keepalive_time=10'), { 'net.ipv4.tcp_keepalive_time': '10' });
  t.same(parseKernel('tcp_keepalive_time=10,net.ipv4.tcp_keepalive_intvl=5,tcp_keepalive_probes=3'), {
    'net.ipv4.tcp_keepalive_time': '10',
    'net.ipv4.tcp_keepalive_intvl': '5',
    'net.ipv4.tcp_keepalive_probes': '3',
  });
});

t.test('parseKernel: spaces around parts are ignored', async t => {
  t.same(parseKernel(' tcp_retries2=3 , tcp_keepalive_time=10 '), { 'net.ipv4.tcp_retries2': '3', 'net.ipv4.tcp_keepalive_time': '10' });
});

t.test('parseKernel: an empty value or an empty part is rejected, not read as "default"', async t => {
  for (const bad of ['', ' ', ',', ' , ', 'tcp_retries2=3,', ',tcp_retries2=3', 'tcp_retries2=3,,tcp_keepalive_time=10', 'tcp_retries2=3, ,tcp_keepalive_time=10']) {
    t.throws(() => parseKernel(bad), { message: `"${bad}" has an empty part; write "default" or "sysctl=number,…"` }, JSON.stringify(bad));
  }
});

t.test('parseKernel: a part that is not "sysctl=number" is named', async t => {
  t.throws(() => parseKernel('tcp_retries2'), { message: '"tcp_retries2" is not "sysctl=number"' });
  t.throws(() => parseKernel('tcp_retries2=x'), { message: '"tcp_retries2=x" is not "sysctl=number"' });
  t.throws(() => parseKernel('tcp_retries2=-1'), { message: '"tcp_retries2=-1" is not "sysctl=number"' });
  t.throws(() => parseKernel('tcp_retries2=1.5'), { message: '"tcp_retries2=1.5" is not "sysctl=number"' });
  t.throws(() => parseKernel('tcp_retries2=3,bogus'), { message: '"bogus" is not "sysctl=number"' });
  t.throws(() => parseKernel('TCP_RETRIES2=3'), { message: '"TCP_RETRIES2=3" is not "sysctl=number"' });
});

t.test('parseKernel: a sysctl outside the allowed list is rejected, listing the allowed ones', async t => {
  const allowed = '(allowed: tcp_keepalive_time, tcp_keepalive_intvl, tcp_keepalive_probes, tcp_retries2)';
  t.throws(() => parseKernel('ip_forward=1'), { message: `sysctl "ip_forward" is not allowed ${allowed}` });
  t.throws(() => parseKernel('net.ipv4.ip_forward=1'), { message: `sysctl "net.ipv4.ip_forward" is not allowed ${allowed}` });
  t.throws(() => parseKernel('net.core.somaxconn=5'), { message: /^sysctl "net\.core\.somaxconn" is not allowed/ });
  t.throws(() => parseKernel('tcp_retries1=3'), { message: /^sysctl "tcp_retries1" is not allowed/ });
});

t.test('kernelText: no settings is "default"; names are shortened, order kept', async t => {
  t.equal(kernelText({}), 'default');
  t.equal(kernelText({ 'net.ipv4.tcp_retries2': '3' }), 'tcp_retries2=3');
  t.equal(kernelText({ 'net.ipv4.tcp_retries2': '3', 'net.ipv4.tcp_keepalive_time': '10' }), 'tcp_retries2=3,tcp_keepalive_time=10');
  t.equal(kernelText({ tcp_retries2: '3' }), 'tcp_retries2=3');
});

t.test('kernelText and parseKernel round-trip the short form', async t => {
  for (const text of ['default', 'tcp_retries2=3', 'tcp_keepalive_time=10,tcp_keepalive_intvl=5,tcp_keepalive_probes=3']) {
    t.equal(kernelText(parseKernel(text)), text);
  }
});

t.test('kernelText of parseKernel is the one canonical text of a setting', async t => {
  const canonical = (v: string) => kernelText(parseKernel(v));
  t.equal(canonical('net.ipv4.tcp_retries2=3'), 'tcp_retries2=3');
  t.equal(canonical('tcp_retries2=3'), 'tcp_retries2=3');
  t.equal(canonical(' net.ipv4.tcp_keepalive_time=10 , tcp_keepalive_intvl=5'), 'tcp_keepalive_time=10,tcp_keepalive_intvl=5');
  t.equal(canonical('default'), 'default');
});
