/**
 * The start-up summary and the fault options: the URLs a teacher hands out, the app links, sizes, and
 * the `--drop-once`/`--corrupt` syntax an e2e test passes.
 *
 * Run: npx vitest run tools/mirror/summary.test.ts
 */
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { ModelSummary } from './catalog.ts';
import { corruptedLength, faultMatches, parseCorrupt, parseDropOnce } from './faults.ts';
import { appLink, formatSize, formatSummary, studentUrls } from './summary.ts';

const iface = (address: string, family: 'IPv4' | 'IPv6', internal: boolean): NetworkInterfaceInfo =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null, scopeid: 0 }) as NetworkInterfaceInfo;

const interfaces = {
  lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
  wlan0: [iface('192.168.1.20', 'IPv4', false), iface('fe80::1', 'IPv6', false)],
  eth0: [iface('10.0.0.5', 'IPv4', false)],
};

describe('studentUrls', () => {
  it('lists every external IPv4 address plus localhost when listening on all interfaces', () => {
    expect(studentUrls('0.0.0.0', 8080, interfaces)).toEqual([
      { url: 'http://192.168.1.20:8080', label: 'wlan0' },
      { url: 'http://10.0.0.5:8080', label: 'eth0' },
      { url: 'http://localhost:8080', label: 'this laptop only' },
    ]);
  });

  it('lists only the chosen address otherwise', () => {
    expect(studentUrls('192.168.1.20', 9000, interfaces)).toEqual([
      { url: 'http://192.168.1.20:9000', label: 'as asked' },
    ]);
    expect(studentUrls('127.0.0.1', 9000, interfaces)).toEqual([
      { url: 'http://127.0.0.1:9000', label: 'this laptop only' },
    ]);
  });
});

describe('appLink', () => {
  it('builds the app’s readable deep link, keeping its path, query and panel', () => {
    expect(appLink('http://192.168.1.20:4173/', 'http://192.168.1.20:8080', 'glassbox/tiny-chat')).toBe(
      'http://192.168.1.20:4173/?host=http://192.168.1.20:8080&model=glassbox/tiny-chat',
    );
    expect(appLink('https://example.org/glassbox/?dtype=q8#/chat', 'http://10.0.0.5:8080', 'a/b')).toBe(
      'https://example.org/glassbox/?dtype=q8&host=http://10.0.0.5:8080&model=a/b#/chat',
    );
    const parsed = new URL(appLink('http://x/', 'http://10.0.0.5:8080', 'a/b'));
    expect(parsed.searchParams.get('host')).toBe('http://10.0.0.5:8080');
  });
});

describe('formatSummary', () => {
  const model: ModelSummary = {
    id: 'glassbox/tiny-chat',
    layout: 'hub',
    dir: '/x',
    fileCount: 8,
    totalSize: 993_000,
    sha: 'a'.repeat(40),
    lfsPointers: ['onnx/model.onnx'],
    hasConfig: true,
  };

  it('shows models with sizes, student URLs, app links and warnings in one screen', () => {
    const text = formatSummary({
      root: '/srv/models',
      models: [model],
      urls: studentUrls('0.0.0.0', 8080, interfaces),
      app: 'http://192.168.1.20:4173/',
      faults: [],
    });
    expect(text).toContain('glassbox/tiny-chat');
    expect(text).toContain('993 kB');
    expect(text).toContain('http://192.168.1.20:8080  wlan0');
    expect(text).toContain(
      'http://192.168.1.20:4173/?host=http://192.168.1.20:8080&model=glassbox/tiny-chat',
    );
    expect(text).toContain('Git LFS pointer');
    expect(text.split('\n').length).toBeLessThan(25);
  });

  it('says what layout it expected when the folder holds no model', () => {
    const text = formatSummary({
      root: '/srv',
      models: [],
      urls: studentUrls('127.0.0.1', 1, {}),
      faults: [],
    });
    expect(text).toMatch(/No models found.*config\.json/s);
    expect(text).toContain('--host 0.0.0.0');
  });

  it('prints sizes in decimal units', () => {
    expect([0, 999, 1000, 993_000, 1_400_000, 270_000_000, 2e12].map(formatSize)).toEqual([
      '0 B',
      '999 B',
      '1.0 kB',
      '993 kB',
      '1.4 MB',
      '270 MB',
      '2.0 TB',
    ]);
  });
});

describe('fault options', () => {
  it('parse <path>:<bytes> and <path>:<size|bytes>, refusing anything else', () => {
    expect(parseDropOnce('onnx/model.onnx:4096')).toEqual({ path: 'onnx/model.onnx', afterBytes: 4096 });
    expect(parseCorrupt('/config.json:bytes')).toEqual({ path: 'config.json', mode: 'bytes' });
    for (const bad of ['model.onnx', ':5', 'model.onnx:-1', 'model.onnx:1e3']) {
      expect(() => parseDropOnce(bad), bad).toThrow(/--drop-once/);
    }
    expect(() => parseCorrupt('model.onnx:half')).toThrow(/size or <path>:bytes/);
  });

  it('match path suffixes on whole segments', () => {
    const candidates = [
      'glassbox/tiny-chat/resolve/main/onnx/model.onnx',
      'glassbox/tiny-chat/onnx/model.onnx',
    ];
    expect(faultMatches('model.onnx', candidates)).toBe(true);
    expect(faultMatches('tiny-chat/onnx/model.onnx', candidates)).toBe(true);
    expect(faultMatches('resolve/main/onnx/model.onnx', candidates)).toBe(true);
    expect(faultMatches('l.onnx', candidates)).toBe(false);
    expect(faultMatches('model.onnx', ['glassbox/tiny-chat/onnx/decoder_model.onnx'])).toBe(false);
  });

  it('always change the length in size mode', () => {
    expect([0, 1, 2, 1000].map((size) => corruptedLength(size, 'size'))).toEqual([1, 0, 1, 500]);
    expect(corruptedLength(1000, 'bytes')).toBe(1000);
  });
});
