import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpError } from './http-error.ts';
import { parseRequest, znodePath } from './validation.ts';

const request = (parts: Partial<Pick<Request, 'params' | 'query' | 'body'>>): Request => parts as Request;

describe('parseRequest', () => {
  const schemas = {
    params: z.object({ id: z.coerce.number().int().positive() }),
    query: z.object({ path: znodePath.default('/') }),
    body: z.object({ data: z.string() }),
  };

  it('returns the parsed parts with defaults and coercions applied', () => {
    const parsed = parseRequest(request({ params: { id: '3' }, query: {}, body: { data: 'x' } }), schemas);
    expect(parsed).toEqual({ params: { id: 3 }, query: { path: '/' }, body: { data: 'x' } });
  });

  it('throws a 400 naming every bad field and where it was', () => {
    const error = (() => {
      try {
        parseRequest(
          request({ params: { id: 'abc' }, query: { path: 'relative' }, body: undefined }),
          schemas,
        );
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(HttpError);
    const httpError = error as HttpError;
    expect(httpError.status).toBe(400);
    expect(httpError.code).toBe('INVALID_REQUEST');
    expect(httpError.message).toMatch(/^params\.id: .* \(and 2 more\)$/);
    expect(httpError.details).toEqual({
      issues: [
        { location: 'params', field: 'id', message: expect.any(String) },
        { location: 'query', field: 'path', message: 'invalid znode path: path must start with /' },
        { location: 'body', field: '', message: expect.stringMatching(/expected object/) },
      ],
    });
  });
});

describe('znodePath', () => {
  it.each(['/', '/a', '/a/b-c_d.e', '/zookeeper/config', '/ünïcode'])('accepts %s', (path) => {
    expect(znodePath.safeParse(path).success).toBe(true);
  });

  it.each([
    ['', 'path must not be empty'],
    ['a/b', 'path must start with /'],
    ['/a/', 'path must not end with /'],
    ['/a//b', 'empty node name'],
    ['/a/../b', 'relative node name'],
    ['/a\u0000b', 'invalid character'],
  ])('rejects %j: %s', (path, reason) => {
    const result = znodePath.safeParse(path);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(reason);
  });

  it('rejects what is not a string, such as a repeated query parameter', () => {
    expect(znodePath.safeParse(['/a', '/b']).success).toBe(false);
  });
});
