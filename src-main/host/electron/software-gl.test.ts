import { describe, expect, it } from 'vitest';
import { gpuDevices, softwareGlSwitches } from './software-gl';

describe('software GL for the 3D view', () => {
  it('always allows the SwiftShader fallback, and forces it on Linux without a GPU device', () => {
    expect(
      softwareGlSwitches({ platform: 'linux', setting: undefined, gpuDevices: ['/dev/dri/renderD128'] }),
    ).toEqual([['enable-unsafe-swiftshader']]);
    expect(softwareGlSwitches({ platform: 'linux', setting: undefined, gpuDevices: [] })).toEqual([
      ['enable-unsafe-swiftshader'],
      ['use-gl', 'angle'],
      ['use-angle', 'swiftshader'],
    ]);
    expect(softwareGlSwitches({ platform: 'win32', setting: undefined, gpuDevices: null })).toEqual([
      ['enable-unsafe-swiftshader'],
    ]);
  });
  it('CONCORD_SOFTWARE_GL=1 forces it, =0 leaves Chromium alone', () => {
    expect(softwareGlSwitches({ platform: 'darwin', setting: '1', gpuDevices: null })).toContainEqual([
      'use-angle',
      'swiftshader',
    ]);
    expect(softwareGlSwitches({ platform: 'linux', setting: '0', gpuDevices: [] })).toEqual([]);
  });
  it('finds GPU device nodes on Linux only', () => {
    const fake = (dir: string) => {
      if (dir === '/dev/dri') return ['by-path', 'card0', 'renderD128'];
      if (dir === '/dev') return ['null', 'nvidiactl', 'nvidia0', 'nvidia-uvm'];
      throw new Error('ENOENT');
    };
    expect(gpuDevices('linux', fake)).toEqual([
      '/dev/dri/card0',
      '/dev/dri/renderD128',
      '/dev/nvidiactl',
      '/dev/nvidia0',
    ]);
    expect(gpuDevices('linux', (d) => (d === '/dev' ? ['null', 'tty'] : []))).toEqual([]);
    expect(gpuDevices('win32', fake)).toBeNull();
  });
});
