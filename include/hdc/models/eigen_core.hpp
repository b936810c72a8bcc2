// hdc/models/eigen_core.hpp - Eigen's dense module, included the same way by every model header.
#pragma once

// GCC 12 reports a false -Wmaybe-uninitialized (and -Wuninitialized) inside its own AVX-512
// intrinsics when they are inlined into Eigen's kernels (the _mm256_undefined_pd idiom, GCC bug
// 105593); the diagnostic state at the intrinsics' header lines is what counts.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <Eigen/Dense>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
