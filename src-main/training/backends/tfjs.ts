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
