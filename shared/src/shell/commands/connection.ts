import type { ShellCommand } from '../command.ts';
import { ShellError } from '../shell-error.ts';

export const connect: ShellCommand = {
  name: 'connect',
  local: true,
  usage: 'host:port',
  async run(context) {
    const target = context.args[0] ?? context.session.connectString;
    const connected = await context.session.connect(target, context.call.signal);
    if (!connected) {
      // zkCli would just show CONNECTING; a script needs to know that its next commands will wait.
      throw new ShellError(`Not connected to ${target} yet; still trying in the background`);
    }
  },
};

export const close: ShellCommand = {
  name: 'close',
  local: true,
  usage: '',
  async run(context) {
    await context.session.close();
  },
};

export const quit: ShellCommand = {
  name: 'quit',
  local: true,
  usage: '',
  async run(context) {
    await context.session.close();
    context.shell.quit();
  },
};
