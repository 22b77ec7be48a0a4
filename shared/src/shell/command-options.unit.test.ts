import { describe, expect, it } from 'vitest';
import { OptionError, parseOptions, type OptionSpec } from './command-options.ts';

const create: OptionSpec = { s: 'flag', e: 'flag', c: 'flag', t: 'value' };
const parse = (line: string, spec: OptionSpec = create) => {
  const { options, args } = parseOptions(line.split(' ').filter(Boolean), spec);
  return { options: Object.fromEntries(options), args };
};

describe('parseOptions (commons-cli rules)', () => {
  it('separates flags from positional arguments', () => {
    expect(parse('-s -e /x data')).toEqual({ options: { s: true, e: true }, args: ['/x', 'data'] });
  });

  it('accepts options after the arguments, as `removewatches /w -d` needs', () => {
    expect(parse('/x data -e')).toEqual({ options: { e: true }, args: ['/x', 'data'] });
  });

  it('accepts grouped flags', () => {
    expect(parse('-es /x')).toEqual({ options: { e: true, s: true }, args: ['/x'] });
  });

  it('takes a value from the next word or from the rest of the same word', () => {
    expect(parse('-t 500 /x')).toEqual({ options: { t: '500' }, args: ['/x'] });
    expect(parse('-t500 /x')).toEqual({ options: { t: '500' }, args: ['/x'] });
    expect(parse('-st500 /x')).toEqual({ options: { s: true, t: '500' }, args: ['/x'] });
  });

  it('lets -- end the options so data may start with a dash', () => {
    expect(parse('/x -- -1 -e')).toEqual({ options: {}, args: ['/x', '-1', '-e'] });
    expect(parse('/x -')).toEqual({ options: {}, args: ['/x', '-'] });
  });

  it('rejects unknown options and missing values with commons-cli messages', () => {
    expect(() => parse('-x /a')).toThrow(new OptionError('Unrecognized option: -x'));
    expect(() => parse('-sx /a')).toThrow(new OptionError('Unrecognized option: -x'));
    expect(() => parse('--long /a')).toThrow(new OptionError('Unrecognized option: --long'));
    expect(() => parse('/a -t')).toThrow(new OptionError('Missing argument for option: t'));
  });

  it('treats a negative number as an option, as zkCli does', () => {
    expect(() => parse('/x -1')).toThrow('Unrecognized option: -1');
  });
});
