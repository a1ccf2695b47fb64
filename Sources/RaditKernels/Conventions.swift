// RaditKernels: forward/backward kernels, optimizer and schedules (DESIGN.md §2).
//
// Kernel conventions for the whole RaditKernels layer (the contract models code against):
// - Free functions generic over `S: BLASScalar` (Float for speed, Double for gradient
//   checks), `@inlinable` so callers in other modules get specialised code.
// - Raw pointers with explicit dimensions (llm.c style), outputs first. Buffers are
//   contiguous row-major; shape letters in comments (see DESIGN.md §1).
// - Backward functions ADD into every gradient buffer (`+=`), so gradients of shared
//   inputs and accumulation over micro-batches need no extra code; callers zero them.
//   An optional (`nil`) gradient buffer means "not needed" and is skipped.
// - Every kernel `xForward`/`xBackward` has a naive twin `xForwardNaive`/`xBackwardNaive`
//   (plain loops, no BLAS) that the tests compare against.
// - No allocation in hot loops: callers pass scratch buffers where one is needed.
// - Float fast paths: BLAS for products, 8-lane SIMD exp/erf (FastMath.swift) for
//   softmax-like rows and activations; Double runs the same generic code on libm for
//   gradient checks. In-place (`out == input`) is allowed where a doc comment says so.
// - Integer inputs: token ids / targets / positions are `Int32`; masks are `UInt8`
//   (1 = real token, 0 = padding). Out-of-range ids are programmer errors (precondition):
//   validate user data before it reaches a kernel.
