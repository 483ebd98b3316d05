// 2-D convolutions over NHWC float32 tensors in caller memory: forward (bias and activation fused),
// input gradient and filter gradient, with primitives and weight reorders cached per shape.
#pragma once

#include <cstdint>
#include <string>

namespace distillery {

/** Shapes and window of one convolution as tfjs's Conv2DInfo gives them (dilation 1 = none). */
struct ConvGeometry {
  int64_t batch, inHeight, inWidth, inChannels;
  int64_t outHeight, outWidth, outChannels;
  int64_t filterHeight, filterWidth;
  int64_t strideHeight, strideWidth;
  int64_t dilationHeight, dilationWidth;
  int64_t padTop, padLeft, padBottom, padRight;
};

/** y = activation(conv(x, w) + bias); x NHWC, w HWIO, bias [outChannels] or null, y NHWC. */
void convForward(const ConvGeometry& g, const float* x, const float* w, const float* bias, float* y, int activation,
                 float leakyAlpha);

/** dx = the gradient of conv(x, w) with respect to x, given dy. */
void convBackwardInput(const ConvGeometry& g, const float* dy, const float* w, float* dx);

/** dw (HWIO) = the gradient of conv(x, w) with respect to w, given x and dy. */
void convBackwardFilter(const ConvGeometry& g, const float* x, const float* dy, float* dw);

/** The name of the implementation oneDNN picks for this forward convolution. */
std::string convForwardImplementation(const ConvGeometry& g);

}  // namespace distillery
