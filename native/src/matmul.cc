// oneDNN matmul over tfjs's row-major BatchMatMul operands; transposes become strides, never copies.
#include "matmul.h"

#include <algorithm>
#include <cstring>

#include "activation.h"
#include "cache.h"
#include "engine.h"

namespace distillery {

using dnnl::memory;
using dt = dnnl::memory::data_type;

namespace {

/** A [batch, rows, cols] matrix stored row-major as [batch, cols, rows] when transposed. */
memory::desc matrix(int64_t batch, int64_t rows, int64_t cols, bool transposed) {
  const memory::dims strides = transposed ? memory::dims{rows * cols, 1, rows} : memory::dims{rows * cols, cols, 1};
  return {{batch, rows, cols}, dt::f32, strides};
}

struct Descs {
  memory::desc a, b, bias, out;
};

Descs descsOf(const MatMulGeometry& g, bool withBias) {
  const int64_t batch = std::max(g.batchA, g.batchB);
  return {matrix(g.batchA, g.m, g.k, g.transposeA), matrix(g.batchB, g.k, g.n, g.transposeB),
          withBias ? memory::desc({1, 1, g.n}, dt::f32, memory::dims{g.n, g.n, 1}) : memory::desc(),
          matrix(batch, g.m, g.n, false)};
}

}  // namespace

void matMul(const MatMulGeometry& g, const float* a, const float* b, const float* bias, float* out, int activation,
            float leakyAlpha) {
  const bool withBias = bias != nullptr;
  int32_t alphaBits;
  std::memcpy(&alphaBits, &leakyAlpha, sizeof(alphaBits));
  const Descs d = descsOf(g, withBias);
  auto& primitive = cached<dnnl::matmul>(
      {g.batchA, g.batchB, g.m, g.k, g.n, g.transposeA, g.transposeB, withBias, activation, alphaBits}, [&] {
        dnnl::matmul::desc desc(d.a, d.b, d.bias, d.out);
        dnnl::matmul::primitive_desc pd(desc, activationAttr(activation, leakyAlpha), threadEngine().engine);
        return std::make_unique<dnnl::matmul>(pd);
      });
  auto& engine = threadEngine().engine;
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, memory(d.a, engine, const_cast<float*>(a))},
      {DNNL_ARG_WEIGHTS, memory(d.b, engine, const_cast<float*>(b))},
      {DNNL_ARG_DST, memory(d.out, engine, out)},
  };
  if (withBias) args.emplace(DNNL_ARG_BIAS, memory(d.bias, engine, const_cast<float*>(bias)));
  execute(primitive, args);
}

}  // namespace distillery
