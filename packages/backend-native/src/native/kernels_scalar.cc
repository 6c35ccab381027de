// Portable kernels: no instruction-set extension beyond the compiler's baseline.
#include "simd_scalar.h"

namespace unroll {
namespace {
using VF = VScalar<float>;
using VD = VScalar<double>;
}  // namespace
}  // namespace unroll

#define ISA_NAME "scalar"
#define SGEMM_MR 4
#define SGEMM_NV 4
#define SGEMM_KC 256
#define SGEMM_MC 64
#define SGEMM_NC 1024
#define DGEMM_MR 4
#define DGEMM_NV 4
#define DGEMM_KC 256
#define DGEMM_MC 64
#define DGEMM_NC 1024
#include "kernels_impl.h"

namespace unroll {
const KernelTable* kernels_scalar() {
  static const KernelTable table = make_table();
  return &table;
}
}  // namespace unroll
