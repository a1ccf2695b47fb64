// zlib (Debian: zlib1g-dev; pkg-config: zlib).
// inflateInit2 is a macro, which Swift cannot call: a typed shim below.
#include <zlib.h>

/// inflateInit2 with gzip/zlib header detection chosen by `windowBits` (15 + 32: auto-detect).
static inline int radit_inflate_init2(z_streamp stream, int windowBits) { return inflateInit2(stream, windowBits); }
