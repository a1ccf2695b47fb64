// OpenBLAS's CBLAS (Debian: libopenblas-dev; pkg-config: openblas).
// Also declares openblas_set_num_threads / openblas_get_config.
#include <cblas.h>
