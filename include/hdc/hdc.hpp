// hdc/hdc.hpp - umbrella header: the whole public library.
#pragma once

#include "core/algebra.hpp"
#include "core/concepts.hpp"
#include "core/error.hpp"
#include "core/extent.hpp"
#include "core/rng.hpp"
#include "core/storage.hpp"
#include "models/binary.hpp"
