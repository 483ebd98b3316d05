// A per-thread cache of built primitives, keyed by the shape numbers that determine them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace distillery {

using ShapeKey = std::vector<int64_t>;

/**
 * Building a oneDNN primitive (choosing and JIT-compiling its kernel) costs far more than running
 * a small one, and a training step meets the same few shapes every batch. Thread-local, since a
 * primitive belongs to the thread's engine.
 */
template <typename Entry, typename Make>
Entry& cached(const ShapeKey& key, Make make) {
  thread_local std::map<ShapeKey, std::unique_ptr<Entry>> entries;
  auto found = entries.find(key);
  if (found != entries.end()) return *found->second;
  return *entries.emplace(key, make()).first->second;
}

}  // namespace distillery
