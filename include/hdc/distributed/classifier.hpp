// hdc/distributed/classifier.hpp - all-reduce of a classifier trained on a part of the data per
// rank, for the learners whose training only adds (the centroid classifier): afterwards every
// rank holds the model one process would have trained on all the parts.
//
// The class sums are summed over the ranks in rank order (distributed/allreduce.hpp): exact, so
// bit for bit the one-process model, whenever the samples' sums are exact in double (integer
// encodings such as MAP-I / bipolar records, the usual case); otherwise deterministic for a given
// split and equal to one process up to the rounding of the regrouped sums. The iterative learners
// (OnlineHD, AdaptHD, ...) correct their prototypes sample after sample, which no reduction of
// separately trained models reproduces, so they are not offered here. Collective.
#pragma once

#include <array>
#include <string_view>

#include "../memory/classifier/centroid.hpp"
#include "allreduce.hpp"

namespace hdc::mpi {

/// Replaces c on every rank by the centroid classifier trained on every rank's samples (their
/// class sums and counts added in rank order, then the prototypes rebuilt). The ranks'
/// classifiers must have the same dimension and classes (rank_error otherwise); each keeps its
/// own options (binarize, threads), so give every rank the same.
inline void allreduce(centroid_classifier& c, const communicator& comm, int root = 0) {
    static constexpr std::array<std::string_view, 2> additive{"sums", "counts"};
    allreduce_model(c, std::span<const std::string_view>(additive), comm, root);
}

}  // namespace hdc::mpi
