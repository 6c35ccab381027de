// A small persistent thread pool for splitting large matrix products.
#pragma once

namespace unroll {

// Number of threads (the caller included) that parallel regions use; at least 1.
int pool_threads();
// Sets the number of threads (1 to 64); returns the number in effect. Waits for a running region.
int pool_set_threads(int n);
// Runs fn(ctx, chunk) for every chunk in [0, chunks) (chunks < 65536) on the calling thread and
// the pool's workers, which claim chunks one at a time: when a worker is slow to start (the
// machine is busy), the caller simply does more of them. Returns after all chunks are done.
// Returns false without running anything when the pool is in use by another thread (several JS
// worker threads share the process): the caller then runs serially.
bool pool_run(int chunks, void (*fn)(void* ctx, int chunk), void* ctx);

}  // namespace unroll
