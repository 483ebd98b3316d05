// Batched matrix products over row-major float32 matrices in caller memory, bias and activation fused.
#pragma once

#include <cstdint>

namespace distillery {

/** out[b] = activation(op(a[b]) x op(b[b]) + bias); a batch of 1 on either side is broadcast. */
struct MatMulGeometry {
  int64_t batchA, batchB, m, k, n;
  bool transposeA, transposeB;
};

void matMul(const MatMulGeometry& g, const float* a, const float* b, const float* bias, float* out, int activation,
            float leakyAlpha);

}  // namespace distillery
