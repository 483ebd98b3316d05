// The gradient of max pooling over NHWC float32 tensors in caller memory.
#pragma once

#include <cstdint>

namespace distillery {

struct PoolGeometry {
  int64_t batch, inHeight, inWidth, channels, outHeight, outWidth;
  int64_t windowHeight, windowWidth, strideHeight, strideWidth, padTop, padLeft;
};

/**
 * dx = each dy routed to the first maximum of its window (row-major scan, strict `>`), as tfjs's
 * CPU backend does, so ties (whole windows of zeros after ReLU) resolve identically. oneDNN's own
 * pooling backward needs the forward pass's workspace, which tfjs's MaxPoolGrad does not carry.
 */
void maxPoolBackward(const PoolGeometry& g, const float* x, const float* dy, float* dx);

}  // namespace distillery
