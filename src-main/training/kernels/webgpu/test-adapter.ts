// The WebGPU adapter the webgpu kernel tests run on: a GPU where Dawn finds one, else Debian Chromium's
// SwiftShader (a CPU Vulkan) so the checks run on GPU-less machines (CI installs the Vulkan loader,
// libvulkan1); with neither, the tests are skipped with Dawn's reason in their names.
import fs from 'node:fs';
import { probeWebgpu } from '../../backends/webgpu-backend';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Probes once; `needs` is the suffix of each test's name ("on <adapter>" or "skipped, …: <reason>"). */
export async function testAdapter(): Promise<{ ok: boolean; needs: string }> {
  if (!process.env['VK_ICD_FILENAMES'] && !process.env['VK_DRIVER_FILES'] && fs.existsSync(SWIFTSHADER))
    process.env['VK_ICD_FILENAMES'] = SWIFTSHADER;
  process.env['XDG_RUNTIME_DIR'] ??= fs.mkdtempSync('/tmp/concord-xdg-');
  return probeWebgpu().then(
    (a) => ({ ok: true, needs: `on ${a.vendor} ${a.device || a.description}` }),
    (e: unknown) => ({
      ok: false,
      needs: `skipped, no WebGPU adapter: ${e instanceof Error ? e.message : String(e)}`,
    }),
  );
}
