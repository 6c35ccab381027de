// Builds for CPUs other than x86-64 have only the portable kernels.
#include "common.h"

namespace unroll {
const KernelTable* kernels_avx2() { return nullptr; }
const KernelTable* kernels_avx512() { return nullptr; }
}  // namespace unroll
