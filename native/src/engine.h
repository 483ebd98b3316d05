// The oneDNN engine and stream of the calling thread, and memory objects over caller-owned bytes.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <oneapi/dnnl/dnnl.hpp>

namespace distillery {

/**
 * One CPU engine and one in-order stream per thread: every Node worker thread (a training run, an
 * inference worker) gets its own, so primitives built on one thread never run on another.
 */
struct ThreadEngine {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
};

ThreadEngine& threadEngine();

/** A float32 tensor in the caller's memory (the WebAssembly heap): its first byte. */
inline float* floatsAt(uint8_t* heap, double offset) {
  return reinterpret_cast<float*>(heap + static_cast<uint64_t>(offset));
}

/** Runs a primitive on the thread's stream and waits for it: kernels are synchronous for tfjs. */
void execute(const dnnl::primitive& primitive, const std::unordered_map<int, dnnl::memory>& args);

}  // namespace distillery
