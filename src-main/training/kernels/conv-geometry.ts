// Maps tfjs's Conv2DInfo (what every tfjs convolution kernel receives, padding already resolved) to the
// ConvGeometry of conv-engine.ts, or null where the fast kernels do not apply (dilation, NCHW).
import type { backend_util } from '@tensorflow/tfjs-core';
import type { ConvGeometry } from './conv-engine';

export function geometryFromConvInfo(info: backend_util.Conv2DInfo): ConvGeometry | null {
  if (info.dataFormat !== 'channelsLast' || info.dilationHeight !== 1 || info.dilationWidth !== 1)
    return null;
  if (info.padInfo.top < 0 || info.padInfo.left < 0) return null;
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    fh: info.filterHeight,
    fw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}
