// hdc/memory/classifiers.hpp - every classifier of memory/classifier/ (see classifier.hpp for
// what they share and the classifier concept they satisfy).
#pragma once

#include "classifier/classifier.hpp"
#include "classifier/centroid.hpp"
#include "classifier/onlinehd.hpp"
#include "classifier/adapthd.hpp"
#include "classifier/quanthd.hpp"
#include "classifier/sparsehd.hpp"
#include "classifier/comphd.hpp"
#include "classifier/neuralhd.hpp"
#include "classifier/intrvfl.hpp"
