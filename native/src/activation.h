// The fused activations tfjs asks for, as oneDNN post-ops.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>
#include <stdexcept>

namespace distillery {

/** tfjs's fusable activations, numbered as the TypeScript side sends them (prelu is never sent). */
enum class Activation : int { Linear = 0, Relu = 1, Relu6 = 2, Elu = 3, LeakyRelu = 4, Sigmoid = 5 };

/** Attributes that apply `activation` to a primitive's output (after its bias). */
inline dnnl::primitive_attr activationAttr(int code, float leakyAlpha) {
  dnnl::post_ops ops;
  switch (static_cast<Activation>(code)) {
    case Activation::Linear:
      break;
    case Activation::Relu:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
      break;
    case Activation::Relu6:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_clip, 0.f, 6.f);
      break;
    case Activation::Elu:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_elu, 1.f, 0.f);
      break;
    case Activation::LeakyRelu:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, leakyAlpha, 0.f);
      break;
    case Activation::Sigmoid:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_logistic, 0.f, 0.f);
      break;
    default:
      throw std::invalid_argument("unknown activation code");
  }
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  return attr;
}

}  // namespace distillery
