// The calling thread's oneDNN engine and stream.
#include "engine.h"

namespace distillery {

ThreadEngine& threadEngine() {
  thread_local ThreadEngine engine;
  return engine;
}

void execute(const dnnl::primitive& primitive, const std::unordered_map<int, dnnl::memory>& args) {
  auto& stream = threadEngine().stream;
  primitive.execute(stream, args);
  stream.wait();
}

}  // namespace distillery
