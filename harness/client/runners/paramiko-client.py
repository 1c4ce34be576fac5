# One SSH session through paramiko (SSHClient), as automation opens one: the run's key, the
# pinned host key and nothing else (no agent, no ~/.ssh, RejectPolicy for any unknown key), then a
# shell or a command, with or without a remote pseudo-terminal, relayed to this process's terminal.
# Run by /usr/bin/python3 (harness/client/paramiko.ts); `--version` is the harness's install check.
import logging
import os
import select
import sys

from libclient import OWN_FAILURE, TERM, RawTerminal, fail, parse_args, pinned_key, server_alive, terminal_size, write_all

LIBRARY = 'paramiko'


def import_paramiko():
    try:
        import paramiko
    except ImportError as e:
        sys.exit(f'{LIBRARY}: not installed for {sys.executable} ({e}); run: apt-get install -y python3-paramiko')
    # paramiko logs its transport's errors; with no handler Python would print them on stderr,
    # into the terminal the harness reads. The one line this runner prints is the error.
    logging.getLogger('paramiko').addHandler(logging.NullHandler())
    return paramiko


def connect(paramiko, a):
    client = paramiko.SSHClient()
    # The pinned key is filed under the run's alias; the connection goes to the target's address.
    # Bound to that address here, it is the only key SSHClient knows, and RejectPolicy refuses any
    # server whose key is not it (BadHostKeyException for another key of the same type).
    try:
        key_type, key_b64 = pinned_key(a.known_hosts, a.host_key_alias)
    except (OSError, LookupError, ValueError) as e:
        fail(LIBRARY, 'Host key verification failed', e)
    try:
        pkey = paramiko.Ed25519Key.from_private_key_file(a.key)
    except (OSError, paramiko.SSHException) as e:
        fail(LIBRARY, f'Load key "{a.key}"', e)
    name = a.host if a.port == 22 else f'[{a.host}]:{a.port}'
    entry = paramiko.hostkeys.HostKeyEntry.from_line(f'{name} {key_type} {key_b64}')
    if entry is None or entry.key is None:
        fail(LIBRARY, 'Host key verification failed', f'paramiko cannot read the pinned {key_type} key')
    client.get_host_keys().add(name, key_type, entry.key)
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    try:
        client.connect(
            a.host, port=a.port, username=a.user,
            pkey=pkey,
            allow_agent=False, look_for_keys=False,
            timeout=15, banner_timeout=15, auth_timeout=15,
        )
    except paramiko.BadHostKeyException as e:
        fail(LIBRARY, 'Host key verification failed', e)
    except paramiko.AuthenticationException as e:
        fail(LIBRARY, 'Permission denied (publickey)', e)
    except ConnectionRefusedError as e:
        fail(LIBRARY, 'Connection refused', e)
    except (TimeoutError, OSError) as e:
        fail(LIBRARY, 'Connection timed out' if 'timed out' in str(e) else 'connection failed', e)
    except paramiko.SSHException as e:
        # RejectPolicy's refusal of a key it has no entry for is a plain SSHException.
        fail(LIBRARY, 'Host key verification failed' if 'known_hosts' in str(e) else 'SSH error', e)
    return client


def open_channel(client, a):
    transport = client.get_transport()
    alive = server_alive(a.server_alive)
    if alive:
        # Never reached: paramiko.ts declines every ServerAlive setting (see its supports()).
        fail(LIBRARY, 'usage', 'paramiko has no count of unanswered keepalives; --server-alive must be "off"')
    chan = transport.open_session(timeout=15)
    if a.tty:
        cols, rows = terminal_size()
        chan.get_pty(term=TERM, width=cols, height=rows)
    if a.command is None:
        chan.invoke_shell()
    else:
        chan.exec_command(a.command)
    return transport, chan


def relay(chan):
    """Both ways until the channel is closed: by the server (after its exit status), or because
    the transport died (its socket closed or reset; paramiko then closes its channels, which wakes
    the select at once). A silently dropped path closes nothing: then this waits, as a client
    without keepalives does.

    The buffers are drained once more after the close is seen. paramiko's transport thread files
    the data, the exit status and the close in order, and a closed channel's buffers stay readable
    (buffered_pipe.py: read returns what is buffered before it reports the close). A short command
    can deliver all three while this thread has not yet reached the loop, as a loaded machine
    does: checking `closed` before draining lost the whole output then (1 run in 240 under
    stress-ng, an exit status with no output)."""
    stdin_open = True
    while True:
        # Read before the drain: whatever came before the close is in the buffers by now.
        closed = chan.closed
        while chan.recv_ready():
            write_all(1, chan.recv(65536))
        while chan.recv_stderr_ready():
            write_all(2, chan.recv_stderr(65536))
        if closed:
            return
        ready, _, _ = select.select([chan, 0] if stdin_open else [chan], [], [], 1.0)
        if 0 in ready:
            data = os.read(0, 4096)
            if data:
                chan.sendall(data)
            else:
                chan.shutdown_write()
                stdin_open = False


def main():
    a = parse_args(LIBRARY)
    paramiko = import_paramiko()
    if a.version:
        print(f'{LIBRARY} {paramiko.__version__}')
        return 0
    client = connect(paramiko, a)
    terminal = RawTerminal(a.tty)
    try:
        transport, chan = open_channel(client, a)
        relay(chan)
        # A closed channel is "ready" with -1 when no exit status came (the connection died, or
        # the remote command was killed by a signal): ssh exits 255 then, and so does this.
        status = chan.recv_exit_status()
        if status >= 0:
            return status
        why = transport.get_exception() or 'the channel closed without an exit status'
    except (paramiko.SSHException, OSError, EOFError) as e:
        why = e
    finally:
        terminal.restore()
    fail(LIBRARY, 'connection lost', why)
    return OWN_FAILURE


if __name__ == '__main__':
    sys.exit(main())
