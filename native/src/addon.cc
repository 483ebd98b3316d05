// The N-API surface: tfjs kernels hand over the WebAssembly heap and their tensors' byte offsets.
#include <napi.h>
#include <omp.h>

#include <string>

#include "convolution.h"
#include "engine.h"
#include "matmul.h"
#include "pooling.h"

namespace distillery {
namespace {

/**
 * A call's heap and its numeric parameters (a Float64Array, exact for offsets up to 2^53). The
 * heap is an ArrayBuffer the caller may replace between calls (a growing wasm memory detaches the
 * old one), so it is taken anew on every call and never kept.
 */
struct Call {
  uint8_t* heap;
  size_t heapBytes;
  const double* params;
  size_t paramCount;

  explicit Call(const Napi::CallbackInfo& info) {
    if (info.Length() != 2 || !info[0].IsArrayBuffer() || !info[1].IsTypedArray()) {
      throw Napi::TypeError::New(info.Env(), "expected (heap: ArrayBuffer, params: Float64Array)");
    }
    auto buffer = info[0].As<Napi::ArrayBuffer>();
    auto typed = info[1].As<Napi::TypedArray>();
    if (typed.TypedArrayType() != napi_float64_array) {
      throw Napi::TypeError::New(info.Env(), "params must be a Float64Array");
    }
    auto values = typed.As<Napi::Float64Array>();
    heap = static_cast<uint8_t*>(buffer.Data());
    heapBytes = buffer.ByteLength();
    params = values.Data();
    paramCount = values.ElementLength();
  }

  int64_t integer(size_t index) const { return static_cast<int64_t>(params[index]); }

  /**
   * The tensor of `elements` floats at the offset in params[index], or null for a negative offset
   * (an absent bias). Refuses one that would reach past the heap: a wrong offset must throw, not
   * write over memory it does not own.
   */
  float* tensor(const Napi::Env& env, size_t index, int64_t elements) const {
    const double offset = params[index];
    if (offset < 0) return nullptr;
    if (elements < 0 || offset + static_cast<double>(elements) * sizeof(float) > static_cast<double>(heapBytes)) {
      throw Napi::RangeError::New(env, "a tensor lies outside the heap (offset " + std::to_string(offset) + ")");
    }
    return floatsAt(heap, offset);
  }

  void expect(const Napi::Env& env, size_t count) const {
    if (paramCount != count) {
      throw Napi::RangeError::New(env, "expected " + std::to_string(count) + " params, got " + std::to_string(paramCount));
    }
  }
};

// Convolution params: 4 tensor offsets (unused ones -1), the 17 ConvGeometry fields, activation, leaky alpha.
constexpr size_t CONV_GEOMETRY_AT = 4;
constexpr size_t CONV_PARAMS = CONV_GEOMETRY_AT + 17 + 2;

ConvGeometry convGeometry(const Call& call) {
  int64_t f[17];
  for (size_t i = 0; i < 17; i++) f[i] = call.integer(CONV_GEOMETRY_AT + i);
  return {f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12], f[13], f[14], f[15], f[16]};
}

int64_t inputElements(const ConvGeometry& g) { return g.batch * g.inHeight * g.inWidth * g.inChannels; }
int64_t outputElements(const ConvGeometry& g) { return g.batch * g.outHeight * g.outWidth * g.outChannels; }
int64_t filterElements(const ConvGeometry& g) { return g.filterHeight * g.filterWidth * g.inChannels * g.outChannels; }

/** Runs `body`, turning oneDNN's and the standard library's exceptions into JavaScript errors. */
template <typename Body>
Napi::Value guarded(const Napi::CallbackInfo& info, Body body) {
  try {
    body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const dnnl::error& e) {
    throw Napi::Error::New(info.Env(), std::string("oneDNN: ") + e.what() + " (status " + std::to_string(e.status) + ")");
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string("oneDNN kernel: ") + e.what());
  }
  return info.Env().Undefined();
}

Napi::Value Conv2D(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    Call call(info);
    call.expect(info.Env(), CONV_PARAMS);
    const ConvGeometry g = convGeometry(call);
    const Napi::Env env = info.Env();
    const float* x = call.tensor(env, 0, inputElements(g));
    const float* w = call.tensor(env, 1, filterElements(g));
    const float* bias = call.tensor(env, 2, g.outChannels);
    float* y = call.tensor(env, 3, outputElements(g));
    if (!x || !w || !y) throw Napi::RangeError::New(env, "Conv2D needs x, filter and output");
    convForward(g, x, w, bias, y, static_cast<int>(call.integer(CONV_PARAMS - 2)),
                static_cast<float>(call.params[CONV_PARAMS - 1]));
  });
}

using ConvGradient = void (*)(const ConvGeometry&, const float*, const float*, float*);
using ElementCount = int64_t (*)(const ConvGeometry&);

/** A gradient call: operands at params[0] and params[1] (sized by their roles), the result at params[3]. */
Napi::Value convolutionGradient(const Napi::CallbackInfo& info, const char* name, ElementCount first, ElementCount second,
                                ElementCount result, ConvGradient gradient) {
  return guarded(info, [&] {
    Call call(info);
    call.expect(info.Env(), CONV_PARAMS);
    const ConvGeometry g = convGeometry(call);
    const Napi::Env env = info.Env();
    const float* a = call.tensor(env, 0, first(g));
    const float* b = call.tensor(env, 1, second(g));
    float* out = call.tensor(env, 3, result(g));
    if (!a || !b || !out) throw Napi::RangeError::New(env, std::string(name) + " needs two operands and an output");
    gradient(g, a, b, out);
  });
}

Napi::Value Conv2DBackpropInput(const Napi::CallbackInfo& info) {
  return convolutionGradient(info, "Conv2DBackpropInput", outputElements, filterElements, inputElements, convBackwardInput);
}

Napi::Value Conv2DBackpropFilter(const Napi::CallbackInfo& info) {
  return convolutionGradient(info, "Conv2DBackpropFilter", inputElements, outputElements, filterElements, convBackwardFilter);
}

// MatMul params: offsets a, b, bias (-1 for none), out; batchA, batchB, m, k, n, transposeA, transposeB, activation, alpha.
constexpr size_t MATMUL_PARAMS = 13;

Napi::Value MatMul(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    Call call(info);
    call.expect(info.Env(), MATMUL_PARAMS);
    const MatMulGeometry g{call.integer(4), call.integer(5), call.integer(6), call.integer(7), call.integer(8),
                           call.integer(9) != 0, call.integer(10) != 0};
    const Napi::Env env = info.Env();
    if (g.batchA != g.batchB && g.batchA != 1 && g.batchB != 1) {
      throw Napi::RangeError::New(env, "MatMul batches must be equal or 1");
    }
    const float* a = call.tensor(env, 0, g.batchA * g.m * g.k);
    const float* b = call.tensor(env, 1, g.batchB * g.k * g.n);
    const float* bias = call.tensor(env, 2, g.n);
    float* out = call.tensor(env, 3, std::max(g.batchA, g.batchB) * g.m * g.n);
    if (!a || !b || !out) throw Napi::RangeError::New(env, "MatMul needs a, b and output");
    matMul(g, a, b, bias, out, static_cast<int>(call.integer(11)), static_cast<float>(call.params[12]));
  });
}

// MaxPoolGrad params: offsets x, dy, dx; then the 12 PoolGeometry fields.
constexpr size_t POOL_PARAMS = 15;

Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    Call call(info);
    call.expect(info.Env(), POOL_PARAMS);
    int64_t f[12];
    for (size_t i = 0; i < 12; i++) f[i] = call.integer(3 + i);
    const PoolGeometry g{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11]};
    const Napi::Env env = info.Env();
    const int64_t inputElements = g.batch * g.inHeight * g.inWidth * g.channels;
    const float* x = call.tensor(env, 0, inputElements);
    const float* dy = call.tensor(env, 1, g.batch * g.outHeight * g.outWidth * g.channels);
    float* dx = call.tensor(env, 2, inputElements);
    if (!x || !dy || !dx) throw Napi::RangeError::New(env, "MaxPoolGrad needs x, dy and output");
    maxPoolBackward(g, x, dy, dx);
  });
}

/**
 * Threads for this thread's oneDNN calls (OpenMP's per-thread setting, so each Node worker thread
 * sizes its own team).
 */
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  if (info.Length() != 1 || !info[0].IsNumber() || info[0].As<Napi::Number>().Int32Value() < 1) {
    throw Napi::TypeError::New(info.Env(), "setThreads(n) needs a positive integer");
  }
  omp_set_num_threads(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Value Threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), omp_get_max_threads()); }

/**
 * The implementation oneDNN picks for a typical 3x3 NHWC convolution (e.g. "brg:avx512_core"):
 * what this CPU really runs, where get_effective_cpu_isa() reports only the library's ceiling.
 */
std::string convolutionImplementation() {
  ConvGeometry g{8, 16, 16, 32, 16, 16, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1};
  return convForwardImplementation(g);
}

/** The library the addon runs: version, threading runtime and the convolution kernel it picks here. */
Napi::Value Library(const Napi::CallbackInfo& info) {
  const dnnl_version_t* v = dnnl_version();
  auto result = Napi::Object::New(info.Env());
  result.Set("version", std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch));
  result.Set("runtime", v->cpu_runtime == DNNL_RUNTIME_OMP ? "openmp" : "other");
  result.Set("convolution", convolutionImplementation());
  return result;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2d", Napi::Function::New(env, Conv2D));
  exports.Set("conv2dBackpropInput", Napi::Function::New(env, Conv2DBackpropInput));
  exports.Set("conv2dBackpropFilter", Napi::Function::New(env, Conv2DBackpropFilter));
  exports.Set("matMul", Napi::Function::New(env, MatMul));
  exports.Set("maxPoolGrad", Napi::Function::New(env, MaxPoolGrad));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("threads", Napi::Function::New(env, Threads));
  exports.Set("library", Napi::Function::New(env, Library));
  return exports;
}

}  // namespace
}  // namespace distillery

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return distillery::Init(env, exports); }

NODE_API_MODULE(distillery_onednn, InitAddon)
