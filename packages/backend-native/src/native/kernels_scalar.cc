// Portable kernels: no instruction-set extension beyond the compiler's baseline.
#include "simd_scalar.h"

namespace unroll {
namespace {
using VF = VScalar<float>;
using VD = VScalar<double>;
}  // namespace
}  // namespace unroll

#define ISA_NAME "scalar"
#ifndef SGEMM_MR
#define SGEMM_MR 4
#endif
#ifndef SGEMM_NV
#define SGEMM_NV 4
#endif
#ifndef SGEMM_KC
#define SGEMM_KC 256
#endif
#ifndef SGEMM_MC
#define SGEMM_MC 64
#endif
#ifndef SGEMM_NC
#define SGEMM_NC 1024
#endif
#ifndef DGEMM_MR
#define DGEMM_MR 4
#endif
#ifndef DGEMM_NV
#define DGEMM_NV 4
#endif
#ifndef DGEMM_KC
#define DGEMM_KC 256
#endif
#ifndef DGEMM_MC
#define DGEMM_MC 64
#endif
#ifndef DGEMM_NC
#define DGEMM_NC 1024
#endif
#include "kernels_impl.h"

namespace unroll {
const KernelTable* kernels_scalar() {
  static const KernelTable table = make_table();
  return &table;
}
}  // namespace unroll
