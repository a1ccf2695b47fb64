// Placeholder until the sgemm benchmark lands (issue: foundation).
print("bench-gemm: not yet implemented")
