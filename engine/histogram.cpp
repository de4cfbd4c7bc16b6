#include "engine/histogram.h"
