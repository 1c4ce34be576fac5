import openssh, { configureOpenSsh, loginLog, openSshFingerprint } from './openssh.js';
import { defineServer } from './types.js';

/** The units of containers/common/etc/systemd/system: a socket with Accept=yes, an sshd -i per connection. */
const SOCKET = 'hangup-lab-sshd.socket';
const INSTANCES = 'hangup-lab-sshd@*.service';

/**
 * OpenSSH started by systemd per connection (inetd style, `sshd -i`), in place of the listening
 * ssh.service: each connection's sshd is the main process of a unit instance of its own, whose
 * default KillMode (control-group) kills whatever is left in that unit's cgroup when the connection
 * ends. A login with pam_systemd moves the user's processes out into a session scope first; one
 * without (target debian-bookworm-no-pam-systemd) leaves them there. Everything else (the
 * configuration, the processes' titles, the keepalive) is OpenSSH's own.
 */
export default defineServer({
  ...openssh,
  name: 'openssh-per-connection',
  summary: "OpenSSH's sshd -i started per connection by a systemd socket (Accept=yes, as Arch Linux's sshd.socket), not by ssh.service",
  // The sshd-restart sever restarts the socket: the listener; the connections' instances are units of their own.
  service: SOCKET,
  // sshd reads its configuration at each connection: nothing to restart, only the switch to the socket.
  configure: ctx => configureOpenSsh(ctx, `systemctl disable --now ssh.service 2>&1 && systemctl enable --now ${SOCKET} 2>&1`),
  loginLog: (user, serviceLog) => loginLog(user, serviceLog(INSTANCES)),
  // An instance that does not exist loads the template: its KillMode is every connection's.
  fingerprint: openSshFingerprint('hangup-lab-sshd@fingerprint.service'),
});
