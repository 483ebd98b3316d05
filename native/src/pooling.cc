// Max-pooling gradient: one pass per image, images in parallel (windows of one image may overlap).
#include "pooling.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace distillery {

void maxPoolBackward(const PoolGeometry& g, const float* x, const float* dy, float* dx) {
  const int64_t imageSize = g.inHeight * g.inWidth * g.channels;
  std::memset(dx, 0, sizeof(float) * g.batch * imageSize);
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < g.batch; b++) {
    const float* image = x + b * imageSize;
    float* gradient = dx + b * imageSize;
    const float* outGradient = dy + b * g.outHeight * g.outWidth * g.channels;
    for (int64_t oh = 0; oh < g.outHeight; oh++) {
      const int64_t rowStart = oh * g.strideHeight - g.padTop;
      const int64_t rowEnd = std::min(g.inHeight, rowStart + g.windowHeight);
      for (int64_t ow = 0; ow < g.outWidth; ow++) {
        const int64_t colStart = ow * g.strideWidth - g.padLeft;
        const int64_t colEnd = std::min(g.inWidth, colStart + g.windowWidth);
        const float* dyAt = outGradient + (oh * g.outWidth + ow) * g.channels;
        for (int64_t c = 0; c < g.channels; c++) {
          float best = -std::numeric_limits<float>::infinity();
          int64_t bestAt = -1;
          for (int64_t r = std::max<int64_t>(0, rowStart); r < rowEnd; r++) {
            for (int64_t col = std::max<int64_t>(0, colStart); col < colEnd; col++) {
              const int64_t at = (r * g.inWidth + col) * g.channels + c;
              if (image[at] > best) {
                best = image[at];
                bestAt = at;
              }
            }
          }
          if (bestAt >= 0) gradient[bestAt] += dyAt[c];
        }
      }
    }
  }
}

}  // namespace distillery
