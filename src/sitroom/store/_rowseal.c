/* sitroom.store._rowseal: the hot loop of `verify`'s seq-range check, in C.
 *
 * For one range of log seqs it reads the leaves, hashes them (RFC 9162 leaf hash), and for
 * every message and notice row rebuilds the log entry its columns call for (the same bytes as
 * `seq_check._rebuilt_entry`: canonical JSON as orjson writes it, `extra` spliced as stored)
 * and compares it with the stored leaf entry byte for byte. Rows that differ, or whose columns
 * cannot make an entry, are only flagged: Python explains them field by field. It never decides
 * that anything is wrong on its own, so a flag is never a verdict, only a reason to look.
 *
 * The pure-Python path in seq_check.py does the same work when this module is not built; a
 * test holds both to the same answers on random and hostile rows.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define HASH_SIZE 32

typedef struct {
    char *data;
    size_t len;
    size_t cap;
    int failed;
} Buf;

static int buf_reserve(Buf *b, size_t extra) {
    if (b->len + extra <= b->cap) return 1;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + extra) cap *= 2;
    char *grown = realloc(b->data, cap);
    if (grown == NULL) {
        b->failed = 1;
        return 0;
    }
    b->data = grown;
    b->cap = cap;
    return 1;
}

static void buf_put(Buf *b, const char *s, size_t n) {
    if (!buf_reserve(b, n)) return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

#define PUT_LITERAL(b, s) buf_put((b), (s), sizeof(s) - 1)

/* A JSON string as orjson writes it: '"' and '\' escaped, the five short control escapes,
 * other bytes below 0x20 as \u00xx (lowercase hex), everything else (UTF-8) as is. */
/* Whether any of the 8 bytes in `w` is below 0x20, '"' or '\\' (the bytes JSON escapes). */
static inline int word_needs_escape(uint64_t w) {
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t quote = w ^ (ones * '"'), slash = w ^ (ones * '\\');
    uint64_t below = (w - ones * 0x20) & ~w;
    uint64_t zero_quote = (quote - ones) & ~quote, zero_slash = (slash - ones) & ~slash;
    return ((below | zero_quote | zero_slash) & highs) != 0;
}

static void put_json_string(Buf *b, const unsigned char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    if (!buf_reserve(b, n * 6 + 2)) return;
    char *out = b->data + b->len;
    *out++ = '"';
    size_t i = 0;
    while (i < n) {
        uint64_t word;
        if (i + 8 <= n && (memcpy(&word, s + i, 8), !word_needs_escape(word))) {
            memcpy(out, s + i, 8);
            out += 8;
            i += 8;
            continue;
        }
        unsigned char c = s[i++];
        if (c >= 0x20 && c != '"' && c != '\\') {
            *out++ = (char)c;
            continue;
        }
        *out++ = '\\';
        switch (c) {
            case '"': *out++ = '"'; break;
            case '\\': *out++ = '\\'; break;
            case '\b': *out++ = 'b'; break;
            case '\t': *out++ = 't'; break;
            case '\n': *out++ = 'n'; break;
            case '\f': *out++ = 'f'; break;
            case '\r': *out++ = 'r'; break;
            default:
                *out++ = 'u';
                *out++ = '0';
                *out++ = '0';
                *out++ = hex[c >> 4];
                *out++ = hex[c & 15];
        }
    }
    *out++ = '"';
    b->len = (size_t)(out - b->data);
}

/* A decimal integer (what orjson writes for an int). */
static void put_integer(Buf *b, long long value) {
    char digits[24];
    int n = 0;
    unsigned long long magnitude = value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value;
    do {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    if (!buf_reserve(b, (size_t)n + 1)) return;
    if (value < 0) b->data[b->len++] = '-';
    while (n) b->data[b->len++] = digits[--n];
}

/* A text-or-null column as JSON; 0 when the column holds another type (the row is flagged). */
static int put_column(Buf *b, sqlite3_stmt *stmt, int col) {
    sqlite3_value *value = sqlite3_column_value(stmt, col);
    switch (sqlite3_value_type(value)) {
        case SQLITE_NULL:
            PUT_LITERAL(b, "null");
            return 1;
        case SQLITE_TEXT: {
            const unsigned char *text = sqlite3_value_text(value);
            put_json_string(b, text, (size_t)sqlite3_value_bytes(value));
            return 1;
        }
        default:
            return 0;
    }
}

typedef struct {
    EVP_MD_CTX *ctx;
    EVP_MD *md;
} Hasher;

static int sha256_parts(Hasher *h, const void *a, size_t an, const void *b, size_t bn,
                        unsigned char out[HASH_SIZE]) {
    return EVP_DigestInit_ex(h->ctx, h->md, NULL) && EVP_DigestUpdate(h->ctx, a, an) &&
           (bn == 0 || EVP_DigestUpdate(h->ctx, b, bn)) &&
           EVP_DigestFinal_ex(h->ctx, out, NULL);
}

/* The leaves of the range: their entry bytes kept for the row checks. */
typedef struct {
    long long start;
    long long count;
    Buf entries;
    size_t *offset;
    size_t *length;
    unsigned char *present; /* 0 absent, 1 present, 2 present and claimed by a row */
} Leaves;

typedef struct {
    long long *items;
    size_t len;
    size_t cap;
    int failed;
} SeqList;

static void seqs_add(SeqList *l, long long seq) {
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        long long *grown = realloc(l->items, cap * sizeof(long long));
        if (grown == NULL) {
            l->failed = 1;
            return;
        }
        l->items = grown;
        l->cap = cap;
    }
    l->items[l->len++] = seq;
}

typedef struct {
    const char *kind;
    const char *reading; /* what a failure says it was doing */
    const char *sql;
    const char *const *keys; /* '"key":' of the content keys, sorted; columns in this order */
    int key_count;
    size_t key_lengths[16];
    int extra_key; /* the key whose stored text is spliced as is */
    long long rows;
    SeqList suspects;
    SeqList without_blob;
} Table;

/* Columns: seq, id, raw_sha256, received_at, source, locator, importer, then the content. */
static const char *const MESSAGE_KEYS[] = {
    "\"author\":", "\"author_id\":", "\"created_at\":", "\"extra\":", "\"lang\":",
    "\"platform\":", "\"platform_id\":", "\"text\":", "\"url\":"};
static const char *const NOTICE_KEYS[] = {"\"created_at\":", "\"detail\":", "\"extra\":",
                                          "\"kind\":", "\"platform\":", "\"platform_id\":"};
#define PROVENANCE_SQL "SELECT seq, id, raw_sha256, received_at, source, locator, importer, "
static const char MESSAGE_SQL[] =
    PROVENANCE_SQL "author, author_id, created_at, extra, lang, platform, platform_id, text, url "
    "FROM messages t WHERE seq >= ?1 AND seq < ?2 ORDER BY seq";
static const char NOTICE_SQL[] =
    PROVENANCE_SQL "created_at, detail, extra, kind, platform, platform_id "
    "FROM notices t WHERE seq >= ?1 AND seq < ?2 ORDER BY seq";
#define FIRST_CONTENT_COLUMN 7

/* The content JSON of the current row into `b`; 0 when a column cannot be part of it. */
static int build_content(Buf *b, sqlite3_stmt *stmt, const Table *t) {
    b->len = 0;
    PUT_LITERAL(b, "{");
    for (int k = 0; k < t->key_count; k++) {
        int col = FIRST_CONTENT_COLUMN + k;
        if (k) PUT_LITERAL(b, ",");
        buf_put(b, t->keys[k], t->key_lengths[k]);
        if (k == t->extra_key) {
            /* stored canonical; spliced as is, like orjson.Fragment */
            if (sqlite3_column_type(stmt, col) != SQLITE_TEXT) return 0;
            buf_put(b, (const char *)sqlite3_column_text(stmt, col),
                    (size_t)sqlite3_column_bytes(stmt, col));
        } else if (!put_column(b, stmt, col)) {
            return 0;
        }
    }
    PUT_LITERAL(b, "}");
    return !b->failed;
}

/* The entry the current row calls for into `b`; 0 when its columns cannot make one. */
static int build_entry(Buf *b, sqlite3_stmt *stmt, const Table *t, const char *digest_hex,
                       long long version) {
    b->len = 0;
    PUT_LITERAL(b, "{\"content_sha256\":\"");
    buf_put(b, digest_hex, HASH_SIZE * 2);
    PUT_LITERAL(b, "\",\"id\":");
    if (!put_column(b, stmt, 1)) return 0;
    PUT_LITERAL(b, ",\"importer\":");
    if (!put_column(b, stmt, 6)) return 0;
    PUT_LITERAL(b, ",\"kind\":");
    put_json_string(b, (const unsigned char *)t->kind, strlen(t->kind));
    PUT_LITERAL(b, ",\"locator\":");
    if (!put_column(b, stmt, 5)) return 0;
    PUT_LITERAL(b, ",\"raw_sha256\":");
    if (!put_column(b, stmt, 2)) return 0;
    PUT_LITERAL(b, ",\"received_at\":");
    if (!put_column(b, stmt, 3)) return 0;
    PUT_LITERAL(b, ",\"seq\":");
    if (sqlite3_column_type(stmt, 0) != SQLITE_INTEGER) return 0;
    put_integer(b, sqlite3_column_int64(stmt, 0));
    PUT_LITERAL(b, ",\"source\":");
    if (!put_column(b, stmt, 4)) return 0;
    PUT_LITERAL(b, ",\"v\":");
    put_integer(b, version);
    PUT_LITERAL(b, "}");
    return !b->failed;
}

typedef struct {
    char message[512];
} Failure;

static int fail_sqlite(Failure *f, sqlite3 *db, const char *what) {
    snprintf(f->message, sizeof f->message, "%s: %s", what,
             db ? sqlite3_errmsg(db) : "out of memory");
    return 0;
}

static int fail(Failure *f, const char *what) {
    snprintf(f->message, sizeof f->message, "%s", what);
    return 0;
}

/* One verify run's state in this process, kept between its ranges: the read-only connection
 * and the names of the indexed blobs (sorted, 32 bytes each), or a prepared probe when there
 * are too many to hold. The run token from the lead keys it: a new run starts afresh. */
typedef struct {
    long long run;
    long pid;
    char *path;
    sqlite3 *db;
    unsigned char *blobs;
    size_t blob_count;
    size_t *bucket; /* names starting with 16-bit prefix p lie in [bucket[p], bucket[p + 1]) */
    sqlite3_stmt *probe;
} Session;

#define BUCKETS 65536

static Session session;
static PyThread_type_lock session_lock;

static void session_end(Session *s) {
    if (s->pid == (long)getpid()) { /* a forked child must not touch its parent's connection */
        sqlite3_finalize(s->probe);
        sqlite3_close(s->db);
    }
    free(s->blobs);
    free(s->bucket);
    free(s->path);
    memset(s, 0, sizeof *s);
}

/* Lowercase hex digit values, -1 elsewhere: the index holds lowercase names only, so any
 * other spelling names no blob (as SQL's text comparison would say). */
static signed char hex_values[256];

static void init_hex_values(void) {
    memset(hex_values, -1, sizeof hex_values);
    for (int i = 0; i < 10; i++) hex_values['0' + i] = (signed char)i;
    for (int i = 0; i < 6; i++) hex_values['a' + i] = (signed char)(10 + i);
}

static int decode_name(const unsigned char *hex, int n, unsigned char out[HASH_SIZE]) {
    if (hex == NULL || n != HASH_SIZE * 2) return 0;
    for (int i = 0; i < HASH_SIZE; i++) {
        int hi = hex_values[hex[2 * i]], lo = hex_values[hex[2 * i + 1]];
        if (hi < 0 || lo < 0) return 0;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 1;
}

static int compare_names(const void *a, const void *b) { return memcmp(a, b, HASH_SIZE); }

static int load_blob_names(Session *s, long long max_names, Failure *f) {
    sqlite3_stmt *stmt = NULL;
    long long count = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM blobs", -1, &stmt, NULL) != SQLITE_OK)
        return fail_sqlite(f, s->db, "counting blobs");
    if (sqlite3_step(stmt) == SQLITE_ROW) count = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    if (count > max_names) {
        if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM blobs WHERE sha256 = ?1", -1, &s->probe,
                               NULL) != SQLITE_OK)
            return fail_sqlite(f, s->db, "looking up blobs");
        return 1;
    }
    s->blobs = malloc((size_t)(count > 0 ? count : 1) * HASH_SIZE);
    if (s->blobs == NULL) return fail(f, "out of memory");
    if (sqlite3_prepare_v2(s->db, "SELECT sha256 FROM blobs ORDER BY sha256", -1, &stmt, NULL) != SQLITE_OK)
        return fail_sqlite(f, s->db, "reading blob names");
    int rc, sorted = 1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && (long long)s->blob_count < count) {
        unsigned char *slot = s->blobs + s->blob_count * HASH_SIZE;
        if (sqlite3_column_type(stmt, 0) != SQLITE_TEXT ||
            !decode_name(sqlite3_column_text(stmt, 0), sqlite3_column_bytes(stmt, 0), slot))
            continue;
        if (s->blob_count && memcmp(slot - HASH_SIZE, slot, HASH_SIZE) > 0) sorted = 0;
        s->blob_count++;
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return fail_sqlite(f, s->db, "reading blob names");
    if (!sorted) qsort(s->blobs, s->blob_count, HASH_SIZE, compare_names);
    s->bucket = malloc((BUCKETS + 1) * sizeof(size_t));
    if (s->bucket == NULL) return fail(f, "out of memory");
    size_t at = 0;
    for (size_t p = 0; p <= BUCKETS; p++) {
        while (at < s->blob_count &&
               (size_t)(s->blobs[at * HASH_SIZE] << 8 | s->blobs[at * HASH_SIZE + 1]) < p)
            at++;
        s->bucket[p] = at;
    }
    return 1;
}

static int session_start(Session *s, const char *path, long long run, long long max_names,
                         Failure *f) {
    if (s->run == run && s->pid == (long)getpid() && s->path && strcmp(s->path, path) == 0)
        return 1;
    session_end(s);
    s->run = run;
    s->pid = (long)getpid();
    s->path = strdup(path);
    if (s->path == NULL) return fail(f, "out of memory");
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
                        SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        fail_sqlite(f, s->db, "opening the store");
        session_end(s);
        return 0;
    }
    sqlite3_exec(s->db, "PRAGMA cache_size = -4096", NULL, NULL, NULL);
    if (!load_blob_names(s, max_names, f)) {
        session_end(s);
        return 0;
    }
    return 1;
}

/* Whether the current row's raw_sha256 (column 2) names an indexed blob; -1 on error. */
static int blob_indexed(Session *s, sqlite3_stmt *row) {
    if (sqlite3_column_type(row, 2) != SQLITE_TEXT) return 0;
    const unsigned char *hex = sqlite3_column_text(row, 2);
    int n = sqlite3_column_bytes(row, 2);
    if (s->probe == NULL) {
        unsigned char name[HASH_SIZE];
        if (!decode_name(hex, n, name)) return 0;
        size_t prefix = (size_t)(name[0] << 8 | name[1]);
        size_t first = s->bucket[prefix], last = s->bucket[prefix + 1];
        if (last - first > 8)
            return bsearch(name, s->blobs + first * HASH_SIZE, last - first, HASH_SIZE,
                           compare_names) != NULL;
        for (size_t i = first; i < last; i++)
            if (memcmp(name, s->blobs + i * HASH_SIZE, HASH_SIZE) == 0) return 1;
        return 0;
    }
    sqlite3_reset(s->probe);
    sqlite3_bind_text(s->probe, 1, (const char *)hex, n, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s->probe);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int read_leaves(sqlite3 *db, Leaves *leaves, Hasher *h, unsigned char *level0,
                       Failure *f) {
    sqlite3_stmt *stmt = NULL;
    static const unsigned char prefix = 0x00;
    if (sqlite3_prepare_v2(db,
                           "SELECT seq, entry FROM log_leaves WHERE seq >= ?1 AND seq < ?2 "
                           "ORDER BY seq",
                           -1, &stmt, NULL) != SQLITE_OK)
        return fail_sqlite(f, db, "reading log leaves");
    sqlite3_bind_int64(stmt, 1, leaves->start);
    sqlite3_bind_int64(stmt, 2, leaves->start + leaves->count);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        long long index = sqlite3_column_int64(stmt, 0) - leaves->start;
        const void *entry = sqlite3_column_blob(stmt, 1);
        size_t n = (size_t)sqlite3_column_bytes(stmt, 1);
        leaves->offset[index] = leaves->entries.len;
        leaves->length[index] = n;
        leaves->present[index] = 1;
        if (n) buf_put(&leaves->entries, entry, n);
        if (leaves->entries.failed ||
            !sha256_parts(h, &prefix, 1, entry, n, level0 + index * HASH_SIZE)) {
            sqlite3_finalize(stmt);
            snprintf(f->message, sizeof f->message, "hashing log leaves failed");
            return 0;
        }
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) return fail_sqlite(f, db, "reading log leaves");
    return 1;
}

/* The perfect subtrees inside the range, level by level above the leaves, each level
 * compared with the stored nodes (count and bytes); what `seq_check._check_nodes` does. */
#define MAX_LEVELS 64

typedef struct {
    unsigned char *data[MAX_LEVELS]; /* data[0] is the caller's level 0 */
    long long count[MAX_LEVELS];
    int matches[MAX_LEVELS];
    int levels;
} Levels;

static int stored_level_matches(sqlite3 *db, sqlite3_stmt *stmt, int level, long long first,
                                const unsigned char *rebuilt, long long count, int *matches) {
    sqlite3_reset(stmt);
    sqlite3_bind_int(stmt, 1, level);
    sqlite3_bind_int64(stmt, 2, first);
    sqlite3_bind_int64(stmt, 3, first + count);
    long long n = 0;
    int rc;
    *matches = 1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (n >= count || sqlite3_column_int64(stmt, 0) != first + n ||
            sqlite3_column_type(stmt, 1) != SQLITE_BLOB ||
            sqlite3_column_bytes(stmt, 1) != HASH_SIZE ||
            memcmp(sqlite3_column_blob(stmt, 1), rebuilt + n * HASH_SIZE, HASH_SIZE) != 0)
            *matches = 0;
        n++;
    }
    if (n != count) *matches = 0;
    (void)db;
    return rc == SQLITE_DONE;
}

static int check_levels(sqlite3 *db, long long start, Levels *lv, Hasher *h, Failure *f) {
    static const unsigned char interior = 0x01;
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT idx, hash FROM log_nodes WHERE level = ?1 AND idx >= ?2 "
                           "AND idx < ?3 ORDER BY idx",
                           -1, &stmt, NULL) != SQLITE_OK)
        return fail_sqlite(f, db, "reading tree nodes");
    int ok = 1;
    for (int level = 0; ok; level++) {
        long long count = lv->count[level];
        if (!stored_level_matches(db, stmt, level, start >> level, lv->data[level], count,
                                  &lv->matches[level])) {
            ok = fail_sqlite(f, db, "reading tree nodes");
            break;
        }
        lv->levels = level + 1;
        if (count < 2) break;
        if (level + 1 >= MAX_LEVELS) {
            ok = fail(f, "too many tree levels");
            break;
        }
        long long parents = count / 2;
        unsigned char *above = malloc((size_t)parents * HASH_SIZE);
        if (above == NULL) {
            ok = fail(f, "out of memory");
            break;
        }
        lv->data[level + 1] = above;
        lv->count[level + 1] = parents;
        for (long long i = 0; ok && i < parents; i++) {
            unsigned char pair[1 + 2 * HASH_SIZE];
            pair[0] = interior;
            memcpy(pair + 1, lv->data[level] + 2 * i * HASH_SIZE, 2 * HASH_SIZE);
            if (!sha256_parts(h, pair, sizeof pair, NULL, 0, above + i * HASH_SIZE))
                ok = fail(f, "hashing tree nodes failed");
        }
    }
    sqlite3_finalize(stmt);
    return ok;
}

static int check_rows(Session *s, Leaves *leaves, Table *t, Hasher *h, long long version,
                      Failure *f) {
    sqlite3 *db = s->db;
    static const char hex[] = "0123456789abcdef";
    sqlite3_stmt *stmt = NULL;
    Buf content = {0}, entry = {0};
    unsigned char digest[HASH_SIZE];
    char digest_hex[HASH_SIZE * 2];
    int ok = 1;
    if (sqlite3_prepare_v2(db, t->sql, -1, &stmt, NULL) != SQLITE_OK)
        return fail_sqlite(f, db, t->reading);
    sqlite3_bind_int64(stmt, 1, leaves->start);
    sqlite3_bind_int64(stmt, 2, leaves->start + leaves->count);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        long long seq = sqlite3_column_int64(stmt, 0);
        long long index = seq - leaves->start;
        t->rows++;
        if (index >= 0 && index < leaves->count && leaves->present[index]) leaves->present[index] = 2;
        int indexed = blob_indexed(s, stmt);
        if (indexed < 0) {
            ok = fail_sqlite(f, db, "looking up blobs");
            break;
        }
        if (!indexed) seqs_add(&t->without_blob, seq);
        int matches = 0;
        if (index >= 0 && index < leaves->count && leaves->present[index] &&
            build_content(&content, stmt, t)) {
            if (!sha256_parts(h, content.data, content.len, NULL, 0, digest)) {
                ok = 0;
                snprintf(f->message, sizeof f->message, "hashing row content failed");
                break;
            }
            for (int i = 0; i < HASH_SIZE; i++) {
                digest_hex[2 * i] = hex[digest[i] >> 4];
                digest_hex[2 * i + 1] = hex[digest[i] & 15];
            }
            matches = build_entry(&entry, stmt, t, digest_hex, version) &&
                      entry.len == leaves->length[index] &&
                      memcmp(entry.data, leaves->entries.data + leaves->offset[index],
                             entry.len) == 0;
        }
        if (!matches) seqs_add(&t->suspects, seq);
        if (content.failed || entry.failed || t->suspects.failed || t->without_blob.failed) {
            ok = 0;
            snprintf(f->message, sizeof f->message, "out of memory");
            break;
        }
    }
    if (ok && rc != SQLITE_DONE) ok = fail_sqlite(f, db, t->reading);
    sqlite3_finalize(stmt);
    free(content.data);
    free(entry.data);
    return ok;
}

static PyObject *seq_list(const SeqList *l) {
    PyObject *list = PyList_New((Py_ssize_t)l->len);
    if (list == NULL) return NULL;
    for (size_t i = 0; i < l->len; i++) {
        PyObject *n = PyLong_FromLongLong(l->items[i]);
        if (n == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, n);
    }
    return list;
}

static PyObject *table_result(const Table *t) {
    PyObject *suspects = seq_list(&t->suspects);
    PyObject *without_blob = seq_list(&t->without_blob);
    PyObject *result = NULL;
    if (suspects && without_blob)
        result = Py_BuildValue("{s:L,s:O,s:O}", "rows", t->rows, "suspects", suspects,
                               "without_blob", without_blob);
    Py_XDECREF(suspects);
    Py_XDECREF(without_blob);
    return result;
}

PyDoc_STRVAR(check_range_doc,
             "check_range(database_uri, start, end, entry_version, run, max_blob_names) -> dict\n\n"
             "Leaf hashes of seqs [start, end) (zeros where a leaf is missing) and the levels of "
             "perfect subtrees above them, whether each level equals the stored tree nodes, "
             "the seqs of "
             "leaves no row claims, and per table (messages, notices): rows seen, seqs of rows "
             "whose rebuilt entry differs from their leaf, seqs of rows whose blob is not "
             "indexed. Calls with the same `run` share one connection and one list of blob names "
             "(held in memory up to max_blob_names, looked up in SQLite beyond). Raises "
             "RuntimeError when the store cannot be read.");

static PyObject *check_range(PyObject *self, PyObject *args) {
    const char *path;
    long long start, end, version, run, max_names;
    (void)self;
    if (!PyArg_ParseTuple(args, "sLLLLL", &path, &start, &end, &version, &run, &max_names))
        return NULL;
    if (start < 0 || end < start || end - start > (1LL << 24)) {
        PyErr_SetString(PyExc_ValueError, "a range is 0 <= start <= end, at most 2**24 wide");
        return NULL;
    }
    long long count = end - start;
    PyObject *level0 = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(count * HASH_SIZE));
    if (level0 == NULL) return NULL;
    unsigned char *hashes = (unsigned char *)PyBytes_AS_STRING(level0);
    memset(hashes, 0, (size_t)(count * HASH_SIZE));

    Leaves leaves = {start, count, {0}, calloc((size_t)count + 1, sizeof(size_t)),
                     calloc((size_t)count + 1, sizeof(size_t)), calloc((size_t)count + 1, 1)};
    Table tables[2] = {
        {"message", "reading messages", MESSAGE_SQL, MESSAGE_KEYS, 9, {0}, 3, 0, {0}, {0}},
        {"notice", "reading notices", NOTICE_SQL, NOTICE_KEYS, 6, {0}, 2, 0, {0}, {0}},
    };
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < tables[i].key_count; k++)
            tables[i].key_lengths[k] = strlen(tables[i].keys[k]);
    SeqList orphans = {0};
    Levels levels = {{hashes}, {count}, {0}, 0};
    Failure failure = {{0}};
    Hasher hasher = {EVP_MD_CTX_new(), EVP_MD_fetch(NULL, "SHA256", NULL)};
    int ok = leaves.offset && leaves.length && leaves.present && hasher.ctx && hasher.md;
    if (!ok) snprintf(failure.message, sizeof failure.message, "out of memory or no SHA-256");

    Py_BEGIN_ALLOW_THREADS
    PyThread_acquire_lock(session_lock, WAIT_LOCK);
    if (ok) ok = session_start(&session, path, run, max_names, &failure);
    if (ok) ok = read_leaves(session.db, &leaves, &hasher, hashes, &failure);
    if (ok) ok = check_levels(session.db, start, &levels, &hasher, &failure);
    for (int i = 0; ok && i < 2; i++)
        ok = check_rows(&session, &leaves, &tables[i], &hasher, version, &failure);
    for (long long i = 0; ok && i < count; i++)
        if (leaves.present[i] == 1) seqs_add(&orphans, start + i);
    if (ok && orphans.failed) {
        ok = 0;
        snprintf(failure.message, sizeof failure.message, "out of memory");
    }
    PyThread_release_lock(session_lock);
    Py_END_ALLOW_THREADS

    PyObject *result = NULL;
    if (ok) {
        PyObject *messages = table_result(&tables[0]);
        PyObject *notices = table_result(&tables[1]);
        PyObject *orphan_list = seq_list(&orphans);
        PyObject *level_list = PyList_New(levels.levels);
        PyObject *match_list = PyList_New(levels.levels);
        for (int i = 0; level_list && match_list && i < levels.levels; i++) {
            PyObject *data = i == 0 ? Py_NewRef(level0)
                                    : PyBytes_FromStringAndSize((const char *)levels.data[i],
                                                                levels.count[i] * HASH_SIZE);
            if (data == NULL) {
                Py_CLEAR(level_list);
                break;
            }
            PyList_SET_ITEM(level_list, i, data);
            PyList_SET_ITEM(match_list, i, PyBool_FromLong(levels.matches[i]));
        }
        if (messages && notices && orphan_list && level_list && match_list)
            result = Py_BuildValue("{s:O,s:O,s:O,s:O,s:O}", "levels", level_list,
                                   "level_matches", match_list, "messages", messages,
                                   "notices", notices, "leaves_without_row", orphan_list);
        Py_XDECREF(level_list);
        Py_XDECREF(match_list);
        Py_XDECREF(messages);
        Py_XDECREF(notices);
        Py_XDECREF(orphan_list);
    } else {
        PyErr_SetString(PyExc_RuntimeError, failure.message);
    }
    Py_DECREF(level0);
    free(leaves.entries.data);
    free(leaves.offset);
    free(leaves.length);
    free(leaves.present);
    for (int i = 0; i < 2; i++) {
        free(tables[i].suspects.items);
        free(tables[i].without_blob.items);
    }
    free(orphans.items);
    for (int i = 1; i < levels.levels + 1 && i < MAX_LEVELS; i++) free(levels.data[i]);
    EVP_MD_free(hasher.md);
    EVP_MD_CTX_free(hasher.ctx);
    return result;
}

PyDoc_STRVAR(end_run_doc, "end_run() -> None\n\nClose this process's connection, if any.");

static PyObject *end_run(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    Py_BEGIN_ALLOW_THREADS
    PyThread_acquire_lock(session_lock, WAIT_LOCK);
    session_end(&session);
    PyThread_release_lock(session_lock);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"check_range", check_range, METH_VARARGS, check_range_doc},
    {"end_run", end_run, METH_NOARGS, end_run_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "sitroom.store._rowseal",
    "verify's seq-range check in C (see seq_check.py for the same in Python).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__rowseal(void) {
    init_hex_values();
    if (session_lock == NULL) session_lock = PyThread_allocate_lock();
    if (session_lock == NULL) return PyErr_NoMemory();
    return PyModule_Create(&module);
}
