# What the Python library runners (paramiko-client.py, asyncssh-client.py) share: their command
# line, the pinned host key, the local terminal, and how they end. Each runner is one process that
# owns its TCP socket itself, so the harness can kill, freeze and find the connection of the very
# process it spawned (sever/client-kill.ts, sleep.ts, drop.ts).
#
# Exit status, as OpenSSH's ssh does it (the harness reads it so, run/cell.ts): the remote
# command's status, or 255 for the runner's own failure (login refused, connection lost, no exit
# status from the server). Its own failure is one line on stderr, in the words the harness knows
# for the cause (run/setup.ts: "Permission denied (", "Host key verification failed") followed by
# the library's own error.
import argparse
import base64
import os
import sys
import termios
import tty

OWN_FAILURE = 255
# The harness's terminal (session/ssh-client.ts TERMINAL_SIZE) when stdin is not one.
DEFAULT_SIZE = (160, 40)
TERM = 'xterm-256color'


def parse_args(library):
    p = argparse.ArgumentParser(prog=f'{library}-client', description=f'one SSH session through {library}, as the harness opens it')
    p.add_argument('--version', action='store_true', help='print the library and its version, and exit')
    p.add_argument('--host')
    p.add_argument('--port', type=int, default=22)
    p.add_argument('--user')
    p.add_argument('--key', help='the private key file (OpenSSH format)')
    p.add_argument('--known-hosts', help='a known_hosts file holding the pinned host key')
    p.add_argument('--host-key-alias', help='the name the pinned key is filed under in --known-hosts')
    p.add_argument('--server-alive', default='off', help='"INTERVAL/COUNTMAX" or "off"')
    p.add_argument('--tty', action='store_true', help='ask the server for a pseudo-terminal')
    p.add_argument('--command', help='the remote command; absent: an interactive shell')
    a = p.parse_args()
    if not a.version:
        missing = [n for n in ('host', 'user', 'key', 'known_hosts', 'host_key_alias') if getattr(a, n) is None]
        if missing:
            fail(library, 'usage', f"missing --{missing[0].replace('_', '-')}")
    return a


def server_alive(text):
    """"I/C" → (interval seconds, count max); "off" → None."""
    if text == 'off':
        return None
    interval, count = text.split('/')
    return int(interval), int(count)


def pinned_key(known_hosts, alias):
    """(key type, base64 key) of the line filed under `alias`; the connection goes to another name
    (the target's address), so the runner binds this key to that address itself."""
    with open(known_hosts, encoding='utf-8') as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 3 and alias in fields[0].split(','):
                base64.b64decode(fields[2], validate=True)
                return fields[1], fields[2]
    raise LookupError(f'{known_hosts} has no host key for {alias}')


def fail(library, cause, error):
    """One line on stderr, then exit 255: the cause in the harness's words, then the library's."""
    text = ' '.join(str(error).split()) or type(error).__name__
    sys.stderr.write(f'{library}: {cause}: {text}\r\n' if os.isatty(2) else f'{library}: {cause}: {text}\n')
    sys.stderr.flush()
    os._exit(OWN_FAILURE)


def terminal_size():
    try:
        size = os.get_terminal_size(0)
        return size.columns, size.lines
    except OSError:
        return DEFAULT_SIZE


class RawTerminal:
    """The local terminal in raw mode while a remote one serves the session, as ssh -tt does: the
    keys go to the server unchanged, and its output is shown unchanged (the server's pty already
    turned newlines into CR LF). Restored on exit; a SIGKILLed runner leaves that to its pty's end."""

    def __init__(self, wanted):
        self.saved = None
        if wanted and os.isatty(0):
            self.saved = termios.tcgetattr(0)
            tty.setraw(0)

    def restore(self):
        if self.saved is not None:
            termios.tcsetattr(0, termios.TCSADRAIN, self.saved)
            self.saved = None


def write_all(fd, data):
    while data:
        n = os.write(fd, data)
        data = data[n:]
