// HDF5 C library (Debian: libhdf5-dev; pkg-config: hdf5).
// The native type ids and file flags are macros that call H5open(); Swift sees them
// through these functions instead.
#include <hdf5.h>

static inline hid_t radit_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t radit_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t radit_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t radit_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t radit_H5T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t radit_H5T_C_S1(void) { return H5T_C_S1; }
static inline unsigned radit_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned radit_H5F_ACC_EXCL(void) { return H5F_ACC_EXCL; }
static inline unsigned radit_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned radit_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline hid_t radit_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t radit_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t radit_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }
static inline hid_t radit_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t radit_H5S_ALL(void) { return H5S_ALL; }
static inline size_t radit_H5T_VARIABLE(void) { return H5T_VARIABLE; }
