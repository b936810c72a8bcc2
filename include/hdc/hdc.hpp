// hdc/hdc.hpp - umbrella header: the whole public library.
#pragma once

#include "core/algebra.hpp"
#include "core/concepts.hpp"
#include "core/error.hpp"
#include "core/extent.hpp"
#include "core/rng.hpp"
#include "core/storage.hpp"
#include "core/vector_storage.hpp"
#include "models/binary.hpp"
#include "models/mbat.hpp"
#include "models/bipolar.hpp"
#include "models/real.hpp"
#include "models/phasor.hpp"
#include "models/sparse.hpp"
#include "models/eigen.hpp"
#include "memory/item_memory.hpp"
#include "memory/resonator/resonator.hpp"
