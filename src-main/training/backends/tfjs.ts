// The one place the training code loads TensorFlow.js: core, every gradient (tfjs-core's package entry
// registers none), and the pure-JS cpu backend, which always exists. Other backends load on demand
// (backends/*-backend.ts), since each needs something the machine may not have.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';

// Production mode: no debug checks, and no advert for tfjs-node on first use (the backend report says
// which backends exist and why the others do not).
tf.enableProdMode();

export { tf };

/** tf.setBackend, but a failure says why: tfjs reports a backend's start-up error only as a warning,
 *  which production mode silences, so the backend's factory is asked again for its error. */
export async function startBackend(name: string): Promise<void> {
  if (await tf.setBackend(name)) return;
  const factory = tf.findBackendFactory(name);
  if (!factory) throw new Error(`tfjs backend '${name}' is not registered`);
  try {
    await factory();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(`tfjs ${name} backend failed to start: ${msg.split('\n')[0]}`);
  }
  throw new Error(`tfjs ${name} backend failed to start`);
}
