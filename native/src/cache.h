// A per-thread cache of built primitives, keyed by the shape numbers that determine them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <omp.h>
#include <vector>

namespace distillery {

using ShapeKey = std::vector<int64_t>;

/**
 * Building a oneDNN primitive (choosing and JIT-compiling its kernel) costs far more than running
 * a small one, and a training step meets the same few shapes every batch. Thread-local, since a
 * primitive belongs to the thread's engine. The thread count is part of the key: oneDNN splits the
 * work among the threads there are when it builds a primitive, and keeps that split.
 */
template <typename Entry, typename Make>
Entry& cached(ShapeKey key, Make make) {
  thread_local std::map<ShapeKey, std::unique_ptr<Entry>> entries;
  key.push_back(omp_get_max_threads());
  auto found = entries.find(key);
  if (found != entries.end()) return *found->second;
  return *entries.emplace(key, make()).first->second;
}

}  // namespace distillery
