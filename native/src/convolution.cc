// oneDNN convolution primitives for NHWC activations and HWIO filters, as tfjs lays them out.
#include "convolution.h"

#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include "activation.h"
#include "cache.h"
#include "engine.h"

namespace distillery {

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

namespace {

memory::desc activations(int64_t n, int64_t c, int64_t h, int64_t w) { return {{n, c, h, w}, dt::f32, tag::nhwc}; }

memory::desc filters(const ConvGeometry& g, tag format) {
  return {{g.outChannels, g.inChannels, g.filterHeight, g.filterWidth}, dt::f32, format};
}

memory::desc inputDesc(const ConvGeometry& g) { return activations(g.batch, g.inChannels, g.inHeight, g.inWidth); }
memory::desc outputDesc(const ConvGeometry& g) { return activations(g.batch, g.outChannels, g.outHeight, g.outWidth); }

memory::dims strides(const ConvGeometry& g) { return {g.strideHeight, g.strideWidth}; }
// tfjs counts a plain filter as dilation 1; oneDNN counts the gaps, so plain is 0.
memory::dims dilations(const ConvGeometry& g) { return {g.dilationHeight - 1, g.dilationWidth - 1}; }
memory::dims padBefore(const ConvGeometry& g) { return {g.padTop, g.padLeft}; }
memory::dims padAfter(const ConvGeometry& g) { return {g.padBottom, g.padRight}; }

ShapeKey keyOf(const ConvGeometry& g, std::initializer_list<int64_t> extra) {
  const auto* fields = reinterpret_cast<const int64_t*>(&g);
  ShapeKey key(fields, fields + sizeof(ConvGeometry) / sizeof(int64_t));
  key.insert(key.end(), extra);
  return key;
}

/**
 * The forward primitive descriptor; with format `any` for the filter, oneDNN picks its blocked
 * layout, which runs about twice as fast as reading HWIO directly (a reorder per call included).
 * Backward primitives take it as their hint.
 */
dnnl::convolution_forward::primitive_desc forwardPrimitiveDesc(const ConvGeometry& g, bool withBias,
                                                               const dnnl::primitive_attr& attr) {
  const memory::desc bias = withBias ? memory::desc({g.outChannels}, dt::f32, tag::a) : memory::desc();
  dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                       inputDesc(g), filters(g, tag::any), bias, outputDesc(g), strides(g),
                                       dilations(g), padBefore(g), padAfter(g));
  return {desc, attr, threadEngine().engine};
}

/** A filter in tfjs's HWIO layout turned into the layout a primitive wants, into a buffer kept with it. */
struct FilterReorder {
  memory::desc wanted;
  std::unique_ptr<dnnl::reorder> reorder;  // null when HWIO is already what the primitive wants
  memory packed;

  FilterReorder(const memory::desc& user, const memory::desc& primitiveWants) : wanted(primitiveWants) {
    if (user == primitiveWants) return;
    auto& engine = threadEngine().engine;
    packed = memory(primitiveWants, engine);
    reorder = std::make_unique<dnnl::reorder>(memory(user, engine, DNNL_MEMORY_NONE), packed);
  }
};

/** Packs `hwio` (caller memory) for the primitive; returns the memory it should read. */
memory packFilter(FilterReorder& r, const memory::desc& user, const float* hwio) {
  auto& engine = threadEngine().engine;
  memory source(user, engine, const_cast<float*>(hwio));
  if (!r.reorder) return source;
  execute(*r.reorder, {{DNNL_ARG_FROM, source}, {DNNL_ARG_TO, r.packed}});
  return r.packed;
}

struct Forward {
  dnnl::convolution_forward primitive;
  FilterReorder filter;
  explicit Forward(const dnnl::convolution_forward::primitive_desc& pd, const ConvGeometry& g)
      : primitive(pd), filter(filters(g, tag::hwio), pd.weights_desc()) {}
};

struct BackwardInput {
  dnnl::convolution_backward_data primitive;
  FilterReorder filter;
  explicit BackwardInput(const dnnl::convolution_backward_data::primitive_desc& pd, const ConvGeometry& g)
      : primitive(pd), filter(filters(g, tag::hwio), pd.weights_desc()) {}
};

struct BackwardFilter {
  dnnl::convolution_backward_weights primitive;
  memory packedGradient;
  std::unique_ptr<dnnl::reorder> unpack;  // null when the primitive writes HWIO itself
  BackwardFilter(const dnnl::convolution_backward_weights::primitive_desc& pd, const ConvGeometry& g)
      : primitive(pd) {
    const memory::desc user = filters(g, tag::hwio);
    if (pd.diff_weights_desc() == user) return;
    auto& engine = threadEngine().engine;
    packedGradient = memory(pd.diff_weights_desc(), engine);
    unpack = std::make_unique<dnnl::reorder>(packedGradient, memory(user, engine, DNNL_MEMORY_NONE));
  }
};

}  // namespace

void convForward(const ConvGeometry& g, const float* x, const float* w, const float* bias, float* y, int activation,
                 float leakyAlpha) {
  const bool withBias = bias != nullptr;
  int32_t alphaBits;
  static_assert(sizeof(alphaBits) == sizeof(leakyAlpha));
  std::memcpy(&alphaBits, &leakyAlpha, sizeof(alphaBits));
  auto& entry = cached<Forward>(keyOf(g, {withBias, activation, alphaBits}), [&] {
    return std::make_unique<Forward>(forwardPrimitiveDesc(g, withBias, activationAttr(activation, leakyAlpha)), g);
  });
  auto& engine = threadEngine().engine;
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, memory(inputDesc(g), engine, const_cast<float*>(x))},
      {DNNL_ARG_WEIGHTS, packFilter(entry.filter, filters(g, tag::hwio), w)},
      {DNNL_ARG_DST, memory(outputDesc(g), engine, y)},
  };
  if (withBias) args.emplace(DNNL_ARG_BIAS, memory({{g.outChannels}, dt::f32, tag::a}, engine, const_cast<float*>(bias)));
  execute(entry.primitive, args);
}

void convBackwardInput(const ConvGeometry& g, const float* dy, const float* w, float* dx) {
  auto& entry = cached<BackwardInput>(keyOf(g, {}), [&] {
    dnnl::convolution_backward_data::desc desc(dnnl::algorithm::convolution_direct, inputDesc(g), filters(g, tag::any),
                                               outputDesc(g), strides(g), dilations(g), padBefore(g), padAfter(g));
    const auto hint = forwardPrimitiveDesc(g, false, {});
    return std::make_unique<BackwardInput>(
        dnnl::convolution_backward_data::primitive_desc(desc, threadEngine().engine, hint), g);
  });
  auto& engine = threadEngine().engine;
  execute(entry.primitive, {
                               {DNNL_ARG_DIFF_DST, memory(outputDesc(g), engine, const_cast<float*>(dy))},
                               {DNNL_ARG_WEIGHTS, packFilter(entry.filter, filters(g, tag::hwio), w)},
                               {DNNL_ARG_DIFF_SRC, memory(inputDesc(g), engine, dx)},
                           });
}

void convBackwardFilter(const ConvGeometry& g, const float* x, const float* dy, float* dw) {
  auto& entry = cached<BackwardFilter>(keyOf(g, {}), [&] {
    dnnl::convolution_backward_weights::desc desc(dnnl::algorithm::convolution_direct, inputDesc(g),
                                                  filters(g, tag::any), outputDesc(g), strides(g), dilations(g),
                                                  padBefore(g), padAfter(g));
    const auto hint = forwardPrimitiveDesc(g, false, {});
    return std::make_unique<BackwardFilter>(
        dnnl::convolution_backward_weights::primitive_desc(desc, threadEngine().engine, hint), g);
  });
  auto& engine = threadEngine().engine;
  memory user(filters(g, tag::hwio), engine, dw);
  execute(entry.primitive, {
                               {DNNL_ARG_SRC, memory(inputDesc(g), engine, const_cast<float*>(x))},
                               {DNNL_ARG_DIFF_DST, memory(outputDesc(g), engine, const_cast<float*>(dy))},
                               {DNNL_ARG_DIFF_WEIGHTS, entry.unpack ? entry.packedGradient : user},
                           });
  if (entry.unpack) execute(*entry.unpack, {{DNNL_ARG_FROM, entry.packedGradient}, {DNNL_ARG_TO, user}});
}

std::string convForwardImplementation(const ConvGeometry& g) {
  return forwardPrimitiveDesc(g, false, {}).impl_info_str();
}

}  // namespace distillery
