import type { ShellCommand } from '../command.ts';

export const addAuth: ShellCommand = {
  name: 'addauth',
  usage: 'scheme auth',
  minArgs: 1,
  async run(context) {
    // The server answers a rejected credential by closing the session (AuthFailed), as with zkCli.
    await context.client().addAuth(context.args[0]!, context.args[1] ?? '');
  },
};

export const whoAmI: ShellCommand = {
  name: 'whoami',
  usage: '',
  async run(context) {
    const identities = await context.client().whoAmI(context.call);
    context.output.out('Auth scheme: User');
    for (const { scheme, user } of identities) context.output.out(`${scheme}: ${user}`);
  },
};
