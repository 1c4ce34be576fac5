import { makeRegistry } from '../core/registry.js';
import background from './background.js';
import disown from './disown.js';
import dtach from './dtach.js';
import foreground from './foreground.js';
import nohup from './nohup.js';
import nohupToFile from './nohup-to-file.js';
import screen from './screen.js';
import setsid from './setsid.js';
import systemdRunScope from './systemd-run-scope.js';
import systemdRunSystem from './systemd-run-system.js';
import systemdRunUser from './systemd-run-user.js';
import systemdUnit from './systemd-unit.js';
import tmux from './tmux.js';

export const launches = makeRegistry('launch mode', [
  foreground,
  background,
  disown,
  nohup,
  nohupToFile,
  setsid,
  tmux,
  screen,
  dtach,
  systemdRunUser,
  systemdRunScope,
  systemdRunSystem,
  systemdUnit,
]);
