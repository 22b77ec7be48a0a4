import { describe, expect, it } from 'vitest';
import { ZooKeeperError, type ZooKeeperErrorCode } from '../client/index.ts';
import { toHttpError } from './error-handler.ts';
import { httpStatusOf } from './zookeeper-status.ts';

describe('ZooKeeper errors as HTTP answers', () => {
  it.each<[ZooKeeperErrorCode, number]>([
    ['NONODE', 404],
    ['NODEEXISTS', 409],
    ['BADVERSION', 409],
    ['NOTEMPTY', 409],
    ['NOAUTH', 403],
    ['BADARGUMENTS', 400],
    ['INVALIDACL', 400],
    ['CONNECTIONLOSS', 503],
    ['OPERATIONTIMEOUT', 503],
    ['SESSIONEXPIRED', 503],
    ['CLOSED', 503],
    ['UNIMPLEMENTED', 501],
    ['SYSTEMERROR', 500],
  ])('%s becomes %i', (code, status) => {
    expect(httpStatusOf(code)).toBe(status);
  });

  it('keeps the ZooKeeper code, path and operation in the body', () => {
    const error = toHttpError(new ZooKeeperError('NONODE', { operation: 'getData', path: '/app/config' }));
    expect(error.status).toBe(404);
    expect(error.body).toEqual({
      error: {
        code: 'NONODE',
        message: 'NONODE (-101): getData /app/config: node does not exist',
        details: { path: '/app/config', operation: 'getData' },
      },
    });
  });

  it('tells the caller when to retry after losing ZooKeeper, and only then', () => {
    expect(toHttpError(new ZooKeeperError('CONNECTIONLOSS')).headers).toEqual({ 'Retry-After': '1' });
    expect(toHttpError(new ZooKeeperError('BADVERSION')).headers).toEqual({});
  });

  it('answers 500 without details for anything it does not know, so internals do not leak', () => {
    expect(toHttpError(new Error('secret connection string in here')).body).toEqual({
      error: { code: 'INTERNAL', message: 'internal error' },
    });
  });
});
