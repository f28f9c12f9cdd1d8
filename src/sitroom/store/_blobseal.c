/* sitroom.store._blobseal: the hot loop of `verify`'s blob check, in C.
 *
 * For one window of a pack (the indexed blobs whose records start in a byte range) it reads
 * the records, checks each header against the index, decompresses the zstd frame and compares
 * the SHA-256 of the raw bytes with the blob's name: what `blob_check._check_records` does in
 * Python when this module is not built (a test holds both to the same answers).
 *
 * Record layout (archive/blobs.py): "SRB1", 32-byte SHA-256, raw length and frame length as
 * big-endian uint32, then the zstd frame.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define HASH_SIZE 32
#define HEADER_SIZE (4 + HASH_SIZE + 4 + 4)

static const char MISSING[] = "missing: the pack ends before this blob";
static const char BAD_HEADER[] = "altered: the blob record's header does not match the index";
static const char NO_FRAME[] = "altered: the stored bytes cannot be decompressed";
static const char BAD_HASH[] = "altered: the raw bytes no longer match their SHA-256";

typedef struct {
    char sha[HASH_SIZE * 2 + 1];
    long long offset;
    long long length;
    const char *reason; /* NULL while the blob passes */
} Blob;

typedef struct {
    Blob *items;
    size_t len;
    size_t cap;
} Blobs;

static int blobs_add(Blobs *b, const unsigned char *sha, int sha_len, long long offset,
                     long long length) {
    if (b->len == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        Blob *grown = realloc(b->items, cap * sizeof(Blob));
        if (grown == NULL) return 0;
        b->items = grown;
        b->cap = cap;
    }
    Blob *blob = &b->items[b->len++];
    size_t n = sha_len > HASH_SIZE * 2 ? HASH_SIZE * 2 : (size_t)(sha_len > 0 ? sha_len : 0);
    memcpy(blob->sha, sha ? (const char *)sha : "", sha ? n : 0);
    blob->sha[sha ? n : 0] = '\0';
    blob->offset = offset;
    blob->length = length;
    blob->reason = NULL;
    return 1;
}

static int hex_value(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Whether the 32 bytes are the name the index gives (lowercase hex, as `bytes.hex`). */
static int name_matches(const unsigned char *name, const char *hex) {
    if (strlen(hex) != HASH_SIZE * 2) return 0;
    for (int i = 0; i < HASH_SIZE; i++) {
        int hi = hex_value((unsigned char)hex[2 * i]), lo = hex_value((unsigned char)hex[2 * i + 1]);
        if (hi < 0 || lo < 0 || name[i] != (unsigned char)(hi << 4 | lo)) return 0;
    }
    return 1;
}

static uint32_t big_endian(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int read_index(const char *uri, long long pack, long long start, long long end,
                      Blobs *out, char *error, size_t error_size) {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int ok = 0;
    if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                        NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT sha256, offset, length FROM blobs WHERE pack = ?1 AND "
                           "offset >= ?2 AND offset < ?3 ORDER BY offset",
                           -1, &stmt, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(stmt, 1, pack);
        sqlite3_bind_int64(stmt, 2, start);
        sqlite3_bind_int64(stmt, 3, end);
        int rc;
        ok = 1;
        while (ok && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
            ok = blobs_add(out, sqlite3_column_text(stmt, 0), sqlite3_column_bytes(stmt, 0),
                           sqlite3_column_int64(stmt, 1), sqlite3_column_int64(stmt, 2));
        if (ok && rc != SQLITE_DONE) ok = 0;
    }
    if (!ok) snprintf(error, error_size, "reading the blob index: %s",
                      db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return ok;
}

typedef struct {
    ZSTD_DCtx *dctx;
    EVP_MD_CTX *ctx;
    EVP_MD *md;
    unsigned char *raw;
    size_t raw_cap;
} Tools;

/* Check one record (`have` bytes of it are in the pack); returns its raw length when it
 * decompressed, and sets blob->reason when it does not pass. -1 on out of memory. */
static long long check_record(Tools *t, Blob *blob, const unsigned char *record, long long have) {
    if (have < HEADER_SIZE) {
        blob->reason = MISSING;
        return 0;
    }
    uint32_t raw_length = big_endian(record + 4 + HASH_SIZE);
    uint32_t frame_length = big_endian(record + 4 + HASH_SIZE + 4);
    if (memcmp(record, "SRB1", 4) != 0 || !name_matches(record + 4, blob->sha) ||
        (long long)HEADER_SIZE + frame_length != blob->length) {
        blob->reason = BAD_HEADER;
        return 0;
    }
    if (have < blob->length) { /* the frame is cut short by the end of the pack */
        blob->reason = NO_FRAME;
        return 0;
    }
    const unsigned char *frame = record + HEADER_SIZE;
    unsigned long long declared = ZSTD_getFrameContentSize(frame, frame_length);
    if (declared == ZSTD_CONTENTSIZE_ERROR) {
        blob->reason = NO_FRAME;
        return 0;
    }
    if (declared == ZSTD_CONTENTSIZE_UNKNOWN) declared = 0; /* as python-zstandard reads it */
    if (declared != raw_length) { /* the frame itself says it holds other bytes */
        blob->reason = BAD_HASH;
        return 0;
    }
    size_t need = (size_t)raw_length + 1;
    if (need > t->raw_cap) {
        unsigned char *grown = realloc(t->raw, need);
        if (grown == NULL) return -1;
        t->raw = grown;
        t->raw_cap = need;
    }
    size_t got = ZSTD_decompressDCtx(t->dctx, t->raw, raw_length, frame, frame_length);
    if (ZSTD_isError(got)) {
        blob->reason = NO_FRAME;
        return 0;
    }
    unsigned char digest[HASH_SIZE];
    if (got != raw_length || !EVP_DigestInit_ex(t->ctx, t->md, NULL) ||
        !EVP_DigestUpdate(t->ctx, t->raw, got) || !EVP_DigestFinal_ex(t->ctx, digest, NULL) ||
        memcmp(digest, record + 4, HASH_SIZE) != 0)
        blob->reason = BAD_HASH;
    return (long long)got;
}

PyDoc_STRVAR(check_window_doc,
             "check_window(database_uri, pack_file, pack, start, end) -> (bad, checked, raw)\n\n"
             "Check the indexed blobs of pack `pack` whose records start in [start, end): "
             "bad is a list of (sha256, reason), checked the number of blobs, raw the bytes "
             "decompressed. Raises RuntimeError when the index cannot be read.");

static PyObject *check_window(PyObject *self, PyObject *args) {
    const char *uri, *pack_file;
    long long pack, start, end;
    (void)self;
    if (!PyArg_ParseTuple(args, "ssLLL", &uri, &pack_file, &pack, &start, &end)) return NULL;
    Blobs blobs = {0};
    char error[512] = {0};
    char unreadable[300] = {0};
    long long raw_total = 0;
    int ok;
    Tools tools = {ZSTD_createDCtx(), EVP_MD_CTX_new(), EVP_MD_fetch(NULL, "SHA256", NULL),
                   NULL, 0};
    unsigned char *data = NULL;
    void *mapped = NULL;
    size_t mapped_size = 0;

    Py_BEGIN_ALLOW_THREADS
    ok = tools.dctx && tools.ctx && tools.md;
    if (!ok) snprintf(error, sizeof error, "out of memory or no SHA-256");
    if (ok) ok = read_index(uri, pack, start, end, &blobs, error, sizeof error);
    if (ok && blobs.len) {
        long long first = blobs.items[0].offset;
        long long last = blobs.items[blobs.len - 1].offset + blobs.items[blobs.len - 1].length;
        long long want = last > first ? last - first : 0;
        long long have = 0;
        struct stat info;
        int fd = open(pack_file, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &info) != 0) {
            snprintf(unreadable, sizeof unreadable, "pack unreadable: %s", strerror(errno));
        } else {
            /* map the window's bytes where the file has them (never past its end) */
            long long page = sysconf(_SC_PAGESIZE);
            long long base = first / page * page;
            have = info.st_size - first < want ? info.st_size - first : want;
            if (have > 0) {
                mapped_size = (size_t)(first - base + have);
                mapped = mmap(NULL, mapped_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd,
                              (off_t)base);
                if (mapped == MAP_FAILED) {
                    mapped = NULL;
                    snprintf(unreadable, sizeof unreadable, "pack unreadable: %s",
                             strerror(errno));
                } else {
                    data = (unsigned char *)mapped + (first - base);
                }
            }
        }
        if (fd >= 0) close(fd);
        for (size_t i = 0; ok && !unreadable[0] && i < blobs.len; i++) {
            Blob *blob = &blobs.items[i];
            long long at = blob->offset - first;
            long long left = have - at;
            long long got = check_record(&tools, blob, data ? data + at : NULL,
                                         left < 0 ? 0 : left < blob->length ? left : blob->length);
            if (got < 0) {
                ok = 0;
                snprintf(error, sizeof error, "out of memory");
            }
            raw_total += got > 0 ? got : 0;
        }
    }
    Py_END_ALLOW_THREADS

    PyObject *result = NULL;
    if (ok) {
        PyObject *bad = PyList_New(0);
        for (size_t i = 0; bad && i < blobs.len; i++) {
            const char *reason = unreadable[0] ? unreadable : blobs.items[i].reason;
            if (reason == NULL) continue;
            PyObject *pair = Py_BuildValue("(ss)", blobs.items[i].sha, reason);
            if (pair == NULL || PyList_Append(bad, pair) < 0) Py_CLEAR(bad);
            Py_XDECREF(pair);
        }
        if (bad) result = Py_BuildValue("(NnL)", bad, (Py_ssize_t)blobs.len,
                                        unreadable[0] ? 0LL : raw_total);
    } else {
        PyErr_SetString(PyExc_RuntimeError, error);
    }
    if (mapped) munmap(mapped, mapped_size);
    free(blobs.items);
    free(tools.raw);
    ZSTD_freeDCtx(tools.dctx);
    EVP_MD_free(tools.md);
    EVP_MD_CTX_free(tools.ctx);
    return result;
}

static PyMethodDef methods[] = {
    {"check_window", check_window, METH_VARARGS, check_window_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "sitroom.store._blobseal",
    "verify's blob check in C (see blob_check.py for the same in Python).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__blobseal(void) { return PyModule_Create(&module); }
