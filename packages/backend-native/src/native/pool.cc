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

// Workers spin this long after a job before sleeping, so that the back-to-back products of a
// recurrent time loop do not pay a wake-up each.
constexpr auto kSpin = std::chrono::microseconds(50);

struct Pool {
  std::mutex use;  // held for the whole of a parallel region (and while resizing)
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::thread> workers;
  std::atomic<std::uint64_t> gen{0};
  std::atomic<int> remaining{0};
  std::atomic<bool> stop{false};
  void (*fn)(void*, int) = nullptr;
  void* ctx = nullptr;
  int parts = 0;
  int nthreads = 1;

  void worker(int id, std::uint64_t seen) {
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
      if (id < parts) fn(ctx, id);
      remaining.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  void start(int n) {
    nthreads = n;
    const std::uint64_t g = gen.load();
    for (int id = 1; id < n; ++id) workers.emplace_back([this, id, g] { worker(id, g); });
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

bool pool_run(int parts, void (*fn)(void*, int), void* ctx) {
  Pool& p = pool();
  std::unique_lock<std::mutex> use(p.use, std::try_to_lock);
  if (!use.owns_lock() || parts > p.nthreads) return false;
  {
    std::lock_guard<std::mutex> lk(p.m);
    p.fn = fn;
    p.ctx = ctx;
    p.parts = parts;
    p.remaining.store(p.nthreads - 1, std::memory_order_relaxed);
    p.gen.fetch_add(1, std::memory_order_release);
  }
  p.cv.notify_all();
  fn(ctx, 0);
  int spins = 0;
  while (p.remaining.load(std::memory_order_acquire) != 0) {
    UNROLL_RELAX();
    if (++spins > 4096) std::this_thread::yield();
  }
  return true;
}

}  // namespace unroll
