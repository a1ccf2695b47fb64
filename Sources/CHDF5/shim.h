// HDF5 C library (Debian: libhdf5-dev; pkg-config: hdf5).
// The native type ids and file flags are macros that call H5open(); Swift sees them
// through these functions instead.
#include <hdf5.h>
#include <string.h>

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
static inline hsize_t radit_H5S_UNLIMITED(void) { return H5S_UNLIMITED; }
static inline hid_t radit_H5P_FILE_CREATE(void) { return H5P_FILE_CREATE; }

// Radit turns HDF5 failures into typed Swift errors, so the automatic printing of error
// stacks to stderr is switched off (per thread in thread-safe builds: call before use).
static inline void radit_H5E_silence(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

typedef struct { char *buf; size_t cap; size_t len; } radit_H5E_text;

static inline herr_t radit_H5E_collect(unsigned n, const H5E_error2_t *err, void *data) {
    (void)n;
    radit_H5E_text *t = (radit_H5E_text *)data;
    if (err == NULL || err->desc == NULL || err->desc[0] == '\0') return 0;
    size_t need = strlen(err->desc);
    if (t->len > 0) {
        if (t->len + 2 >= t->cap) return 0;
        t->buf[t->len++] = ';';
        t->buf[t->len++] = ' ';
    }
    if (t->len + need >= t->cap) need = t->cap - t->len - 1;
    memcpy(t->buf + t->len, err->desc, need);
    t->len += need;
    t->buf[t->len] = '\0';
    return 0;
}

// Writes the current thread's error stack (outermost call first) into buf and clears it.
static inline void radit_H5E_describe(char *buf, size_t cap) {
    if (cap == 0) return;
    buf[0] = '\0';
    radit_H5E_text t = { buf, cap, 0 };
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, radit_H5E_collect, &t);
    H5Eclear2(H5E_DEFAULT);
}

// H5Fis_hdf5 became H5Fis_accessible in 1.12.
static inline htri_t radit_H5F_is_hdf5(const char *name) {
#if H5_VERSION_GE(1, 12, 0)
    return H5Fis_accessible(name, H5P_DEFAULT);
#else
    return H5Fis_hdf5(name);
#endif
}

static inline herr_t radit_H5A_count_one(hid_t loc, const char *name, const H5A_info_t *info, void *data) {
    (void)loc; (void)name; (void)info;
    *(int *)data += 1;
    return 0;
}

// Number of attributes on an object (H5Oget_info changed signature across versions).
static inline int radit_H5A_count(hid_t obj) {
    int count = 0;
    hsize_t idx = 0;
    if (H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, radit_H5A_count_one, &count) < 0) return -1;
    return count;
}
