#include "pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#include <immintrin.h>
#define UNROLL_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define UNROLL_RELAX() __asm__ __volatile__("yield")
#else
#define UNROLL_RELAX() ((void)0)
#endif

namespace unroll {
namespace {

// Workers spin this long after a job before sleeping, so that the products of a time loop, and
// of token-by-token sampling (a product every 30-50 us, with JavaScript in between), do not pay
// a wake-up each (about 20 us here). OpenMP runtimes spin for far longer by default.
constexpr auto kSpin = std::chrono::microseconds(1000);

// The claim word: generation (32 bits) | chunk count (16 bits) | next unclaimed chunk (16 bits).
// A worker claims a chunk with one compare-and-swap, so a worker that wakes up late for an
// earlier generation can never take a chunk of a later one.
inline std::uint64_t claim_word(std::uint64_t gen, int chunks, int next) {
  return (gen << 32) | (static_cast<std::uint64_t>(chunks) << 16) | static_cast<std::uint64_t>(next);
}

struct Pool {
  std::mutex use;  // held for the whole of a parallel region (and while resizing)
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::thread> workers;
  std::atomic<std::uint64_t> gen{0};
  std::atomic<bool> stop{false};
  alignas(64) std::atomic<std::uint64_t> claim{0};
  alignas(64) std::atomic<int> done{0};
  // written before the claim word is published, read after a successful claim
  void (*fn)(void*, int) = nullptr;
  void* ctx = nullptr;
  int nthreads = 1;

  bool try_claim(std::uint64_t g, int& chunk) {
    std::uint64_t cur = claim.load(std::memory_order_acquire);
    for (;;) {
      if ((cur >> 32) != (g & 0xffffffffu)) return false;
      const int chunks = static_cast<int>((cur >> 16) & 0xffffu);
      const int next = static_cast<int>(cur & 0xffffu);
      if (next >= chunks) return false;
      if (claim.compare_exchange_weak(cur, cur + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
        chunk = next;
        return true;
      }
    }
  }

  void work(std::uint64_t g) {
    int chunk;
    while (try_claim(g, chunk)) {
      fn(ctx, chunk);
      done.fetch_add(1, std::memory_order_release);
    }
  }

  void worker(std::uint64_t seen) {
    for (;;) {
      std::uint64_t g = gen.load(std::memory_order_acquire);
      if (g == seen && !stop.load(std::memory_order_relaxed)) {
        const auto until = std::chrono::steady_clock::now() + kSpin;
        int spins = 0;
        while ((g = gen.load(std::memory_order_acquire)) == seen && !stop.load(std::memory_order_relaxed)) {
          UNROLL_RELAX();
          if (++spins % 64 == 0 && std::chrono::steady_clock::now() > until) {
            std::unique_lock<std::mutex> lk(m);
            cv.wait(lk, [&] { return gen.load(std::memory_order_acquire) != seen || stop.load(); });
          }
        }
      }
      if (stop.load(std::memory_order_acquire)) return;
      seen = g;
      work(g);
    }
  }

  void start(int n) {
    nthreads = n;
    const std::uint64_t g = gen.load();
    for (int id = 1; id < n; ++id) workers.emplace_back([this, g] { worker(g); });
  }

  void shutdown() {
    {
      std::lock_guard<std::mutex> lk(m);
      stop.store(true);
    }
    cv.notify_all();
    for (auto& t : workers) t.join();
    workers.clear();
    stop.store(false);
    nthreads = 1;
  }
};

int default_threads() {
  if (const char* env = std::getenv("UNROLL_NATIVE_THREADS")) {
    const int n = std::atoi(env);
    if (n >= 1 && n <= 64) return n;
  }
  const unsigned hw = std::thread::hardware_concurrency();
  return hw >= 2 ? 2 : 1;
}

// Leaked on purpose: no destructor ordering at process exit, sleeping workers simply end.
Pool& pool() {
  static Pool* p = [] {
    auto* q = new Pool();
    q->start(default_threads());
    return q;
  }();
  return *p;
}

}  // namespace

int pool_threads() { return pool().nthreads; }

int pool_set_threads(int n) {
  if (n < 1) n = 1;
  if (n > 64) n = 64;
  Pool& p = pool();
  std::lock_guard<std::mutex> lk(p.use);
  if (n != p.nthreads) {
    p.shutdown();
    p.start(n);
  }
  return p.nthreads;
}

bool pool_run(int chunks, void (*fn)(void*, int), void* ctx) {
  if (chunks < 1 || chunks > 0xffff) return false;
  Pool& p = pool();
  std::unique_lock<std::mutex> use(p.use, std::try_to_lock);
  if (!use.owns_lock()) return false;
  const std::uint64_t g = p.gen.load(std::memory_order_relaxed) + 1;
  p.fn = fn;
  p.ctx = ctx;
  p.done.store(0, std::memory_order_relaxed);
  // Chunk 0 is always the caller's (the others are claimed by whoever comes first): with one
  // chunk per thread, each thread then gets the same part of a repeated product every time, and
  // its core keeps that part of the operands in its own cache (the recurrent weights of a
  // batch-1 time loop).
  p.claim.store(claim_word(g & 0xffffffffu, chunks, 1), std::memory_order_release);
  {
    std::lock_guard<std::mutex> lk(p.m);
    p.gen.store(g, std::memory_order_release);
  }
  p.cv.notify_all();
  fn(ctx, 0);
  p.done.fetch_add(1, std::memory_order_release);
  p.work(g);
  // wait for chunks that workers claimed and are still running
  int spins = 0;
  while (p.done.load(std::memory_order_acquire) != chunks) {
    UNROLL_RELAX();
    if (++spins > 4096) std::this_thread::yield();
  }
  return true;
}

}  // namespace unroll
