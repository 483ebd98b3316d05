// Times the wasm Conv2D gradient kernels (package vs project) against the forward convolution.
//
//   npx tsx bench/conv-gradient-kernels.ts
//
// Shape from the task that motivated the project kernels: x 16x32x32x64, 3x3 filter 64->64.
import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels, selectBackend, unregisterWasmTrainingKernels } from '../src/training/backend';

const REPEATS = 7;

function medianMs(run: () => tf.TensorContainer): number {
  for (let i = 0; i < 2; i++) tf.dispose(run());
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    const out = run() as tf.Tensor;
    out.dataSync();
    times.push(performance.now() - start);
    out.dispose();
  }
  return times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)]!;
}

await selectBackend('wasm');
console.log('| stride | forward Conv2D | package Conv2DBackpropInput | project Conv2DBackpropInput | project Conv2DBackpropFilter |');
console.log('|---:|---:|---:|---:|---:|');
for (const stride of [1, 2]) {
  const x = tf.randomNormal([16, 32, 32, 64], 0, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 64, 64], 0, 1, 'float32', 2) as tf.Tensor4D;
  const dy = tf.randomNormal(tf.conv2d(x, w, stride, 'same').shape, 0, 1, 'float32', 3) as tf.Tensor4D;
  const inputGradient = () => tf.conv2dTranspose(dy, w, x.shape, stride, 'same');
  const filterGradient = () =>
    tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: stride, pad: 'same', filterShape: w.shape }) as tf.Tensor;
  const forward = medianMs(() => tf.conv2d(x, w, stride, 'same'));
  unregisterWasmTrainingKernels();
  const packageInput = medianMs(inputGradient);
  registerWasmTrainingKernels();
  const projectInput = medianMs(inputGradient);
  const projectFilter = medianMs(filterGradient);
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  console.log(`| ${stride} | ${ms(forward)} | ${ms(packageInput)} | ${ms(projectInput)} | ${ms(projectFilter)} |`);
  tf.dispose([x, w, dy]);
}
