// A small persistent thread pool for splitting large matrix products.
#pragma once

namespace unroll {

// Number of threads (the caller included) that parallel regions use; at least 1.
int pool_threads();
// Sets the number of threads (1 to 64); returns the number in effect. Waits for a running region.
int pool_set_threads(int n);
// Runs fn(ctx, part) for part in [0, parts) (parts <= pool_threads()): part 0 on the calling
// thread, the others on the workers. Returns false without running anything when the pool is in
// use by another thread (several JS worker threads share the process): run serially then.
bool pool_run(int parts, void (*fn)(void* ctx, int part), void* ctx);

}  // namespace unroll
