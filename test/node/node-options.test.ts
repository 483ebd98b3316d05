// `distillery node`'s command line: flags, the environment's fallbacks, and refusal of unusable values.
import { describe, expect, it } from 'vitest';
import { NodeUsageError, nodeOptionsFromArgs } from '../../src/node/node-command';

const REQUIRED = ['--api', 'http://127.0.0.1:8080', '--token', 'dk_node_0123456789abcdef'];

describe('nodeOptionsFromArgs', () => {
  it('reads every flag', () => {
    const options = nodeOptionsFromArgs([...REQUIRED, '--backend', 'WASM', '--concurrency', '3', '--name', 'gpu-box-1'], {});
    expect(options).toEqual({ apiUrl: 'http://127.0.0.1:8080', token: 'dk_node_0123456789abcdef', backend: 'wasm', concurrency: 3, name: 'gpu-box-1' });
  });

  it('falls back to DISTILLERY_API, DISTILLERY_TOKEN and DISTILLERY_BACKEND, then to auto and one run at a time', () => {
    const env = { DISTILLERY_API: 'https://distillery.example', DISTILLERY_TOKEN: 'dk_n_0123456789abcdef' };
    expect(nodeOptionsFromArgs([], env)).toEqual({ apiUrl: 'https://distillery.example', token: 'dk_n_0123456789abcdef', backend: 'auto', concurrency: 1 });
    expect(nodeOptionsFromArgs([], { ...env, DISTILLERY_BACKEND: 'cpu' }).backend).toBe('cpu');
    expect(nodeOptionsFromArgs(['--api', 'http://flag'], env).apiUrl).toBe('http://flag');
  });

  it.each([
    [[], {}, '--api'],
    [['--api', 'http://x'], {}, '--token'],
    [['--api', 'ftp://x', '--token', 't'], {}, '--api must be an http(s) URL'],
    [[...REQUIRED, '--backend', 'cuda'], {}, '--backend must be one of'],
    [[...REQUIRED, '--concurrency', '0'], {}, '--concurrency'],
    [[...REQUIRED, '--concurrency', '1.5'], {}, '--concurrency'],
  ])('refuses %j (env %j) naming %s', (args, env, message) => {
    expect(() => nodeOptionsFromArgs(args, env)).toThrow(NodeUsageError);
    expect(() => nodeOptionsFromArgs(args, env)).toThrow(message);
  });

  it('refuses an unknown flag', () => {
    expect(() => nodeOptionsFromArgs([...REQUIRED, '--gpus', '2'], {})).toThrow(NodeUsageError);
    expect(() => nodeOptionsFromArgs([...REQUIRED, '--gpus', '2'], {})).toThrow(/--gpus/);
  });
});
