# One SSH session through asyncssh, as automation opens one: the run's key, the pinned host key
# and nothing else (no agent, no ~/.ssh/config, no other trusted key), its keepalive if asked, then
# a shell or a command, with or without a remote pseudo-terminal, relayed to this process's
# terminal. Run by /usr/bin/python3 (harness/client/asyncssh.ts); `--version` is the install check.
import asyncio
import logging
import os
import sys
import warnings

from libclient import OWN_FAILURE, TERM, RawTerminal, fail, parse_args, pinned_key, server_alive, terminal_size, write_all

LIBRARY = 'asyncssh'


def import_asyncssh():
    # Debian's asyncssh 2.10 imports ciphers that cryptography deprecates; the warnings would land
    # in the terminal the harness reads.
    warnings.simplefilter('ignore')
    try:
        import asyncssh
    except ImportError as e:
        sys.exit(f'{LIBRARY}: not installed for {sys.executable} ({e}); run: apt-get install -y python3-asyncssh')
    # Its log would go to stderr without a handler: into the terminal the harness reads.
    logging.getLogger('asyncssh').addHandler(logging.NullHandler())
    return asyncssh


def session_class(asyncssh):
    class Relay(asyncssh.SSHClientSession):
        """What the server sends goes to this process's stdout and stderr as it comes; the exit
        status and the reason the channel ended are kept for main()."""

        def __init__(self):
            self.status = None
            self.lost = None

        def data_received(self, data, datatype):
            write_all(2 if datatype == asyncssh.EXTENDED_DATA_STDERR else 1, data)

        def exit_status_received(self, status):
            self.status = status

        def connection_lost(self, exc):
            self.lost = exc

    return Relay


async def connect(asyncssh, a):
    try:
        key_type, key_b64 = pinned_key(a.known_hosts, a.host_key_alias)
        pinned = asyncssh.import_public_key(f'{key_type} {key_b64}')
    except (OSError, LookupError, ValueError, asyncssh.KeyImportError) as e:
        fail(LIBRARY, 'Host key verification failed', e)
    try:
        key = asyncssh.read_private_key(a.key)
    except (OSError, asyncssh.KeyImportError) as e:
        fail(LIBRARY, f'Load key "{a.key}"', e)
    alive = server_alive(a.server_alive)
    try:
        return await asyncssh.connect(
            a.host, port=a.port, username=a.user,
            # The one trusted host key, whatever name it was filed under: asyncssh trusts only
            # these (known_hosts as (trusted, CA, revoked)) and offers only their algorithm.
            known_hosts=([pinned], [], []),
            server_host_key_algs=[pinned.get_algorithm()],
            client_keys=[key], agent_path=None, config=None, preferred_auth='publickey',
            connect_timeout=15, login_timeout=15,
            # asyncssh counts unanswered keepalives as OpenSSH's ServerAliveCountMax does: it
            # disconnects when the count goes past the maximum (connection.py _keepalive_timer_callback).
            keepalive_interval=alive[0] if alive else 0,
            keepalive_count_max=alive[1] if alive else 3,
        )
    except asyncssh.HostKeyNotVerifiable as e:
        fail(LIBRARY, 'Host key verification failed', e)
    except asyncssh.PermissionDenied as e:
        fail(LIBRARY, 'Permission denied (publickey)', e)
    except ConnectionRefusedError as e:
        fail(LIBRARY, 'Connection refused', e)
    except (asyncio.TimeoutError, TimeoutError) as e:
        fail(LIBRARY, 'Connection timed out', e)
    except (OSError, asyncssh.Error) as e:
        fail(LIBRARY, 'connection failed', e)


async def session(asyncssh, a):
    conn = await connect(asyncssh, a)
    loop = asyncio.get_running_loop()
    terminal = RawTerminal(a.tty)
    try:
        pty = {'term_type': TERM, 'term_size': terminal_size(), 'request_pty': 'force'} if a.tty else {'request_pty': False}
        chan, relay = await conn.create_session(session_class(asyncssh), a.command, encoding=None, **pty)

        def typed():
            data = os.read(0, 4096)
            if data:
                chan.write(data)
            else:
                loop.remove_reader(0)
                chan.write_eof()

        loop.add_reader(0, typed)
        await chan.wait_closed()
        loop.remove_reader(0)
    except (OSError, asyncssh.Error) as e:
        fail(LIBRARY, 'connection lost', e)
    finally:
        terminal.restore()
    if relay.status is not None:
        return relay.status
    # No exit status: the connection died (its error, e.g. "Server not responding to keepalive"),
    # or the remote command was killed by a signal. ssh exits 255 then, and so does this.
    fail(LIBRARY, 'connection lost', relay.lost or 'the channel closed without an exit status')
    return OWN_FAILURE


def main():
    a = parse_args(LIBRARY)
    asyncssh = import_asyncssh()
    if a.version:
        print(f'{LIBRARY} {asyncssh.__version__}')
        return 0
    return asyncio.run(session(asyncssh, a))


if __name__ == '__main__':
    sys.exit(main())
