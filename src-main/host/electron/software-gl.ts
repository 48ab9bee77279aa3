// Keeping the 3D view (vtk.js needs WebGL2) on machines without a GPU: hospital virtual desktops, remote
// sessions, servers. Chromium only falls back to its software renderer (SwiftShader, through ANGLE) for WebGL
// when allowed to (`enable-unsafe-swiftshader`; "unsafe" because SwiftShader runs JIT code for whatever web
// page asks, and this app only ever loads its own pages). Where no GPU device exists at all (Linux: nothing
// in /dev/dri, no NVIDIA device) it goes straight to ANGLE on SwiftShader rather than probing drivers that
// are not there. CONCORD_SOFTWARE_GL=1 forces the software path, =0 leaves Chromium's defaults alone.
// Pure: decided from what main.ts probed; the switches must be appended before the app is ready.
import fs from 'node:fs';

export interface GlProbe {
  platform: NodeJS.Platform;
  /** CONCORD_SOFTWARE_GL */
  setting: string | undefined;
  /** GPU device nodes found (Linux), or null where this cannot be told (other platforms). */
  gpuDevices: string[] | null;
}

export type Switch = [name: string, value?: string];

export function softwareGlSwitches(p: GlProbe): Switch[] {
  if (p.setting === '0') return [];
  const switches: Switch[] = [['enable-unsafe-swiftshader']];
  const noGpu =
    p.setting === '1' || (p.platform === 'linux' && p.gpuDevices !== null && p.gpuDevices.length === 0);
  if (noGpu) switches.push(['use-gl', 'angle'], ['use-angle', 'swiftshader']);
  return switches;
}

/** GPU device nodes on Linux (/dev/dri/card*, renderD*, /dev/nvidia*); null on other platforms. */
export function gpuDevices(
  platform: NodeJS.Platform,
  readdir: (dir: string) => string[] = (d) => fs.readdirSync(d),
): string[] | null {
  if (platform !== 'linux') return null;
  const list = (dir: string) => {
    try {
      return readdir(dir);
    } catch {
      return [];
    }
  };
  return [
    ...list('/dev/dri')
      .filter((n) => /^(card|renderD)\d+$/.test(n))
      .map((n) => `/dev/dri/${n}`),
    ...list('/dev')
      .filter((n) => /^nvidia(ctl|\d+)$/.test(n))
      .map((n) => `/dev/${n}`),
  ];
}
