/*
 * orderroute: the raw C twin of the order-pipeline sample, for the end-to-end benchmark.
 *
 * It receives each order from ORDERS and applies the sample's rules (OrderRules.java): an order is valid when it
 * is one UTF-8 JSON object with a numeric "id" and a numeric "qty" greater than 0 (no duplicate keys, nothing after
 * the object). A valid order goes to PROCESSED as the same bytes with ,"status":"ACCEPTED" spliced in before the
 * closing brace; anything else goes to REJECTED unchanged. The priority is kept. Like the sample (inbound
 * concurrency 1), one thread does everything, with blocking calls.
 *
 * Usage: orderroute ORDERS PROCESSED REJECTED   (the queues must exist; runs until SIGINT/SIGTERM)
 *
 * The JSON check is a small complete validator (objects, arrays, strings with escapes, numbers, literals, UTF-8),
 * not a tree builder; keys are compared as raw bytes, so "\u0069d" is not taken for "id" (the Java sample would).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEYS 64

struct parser {
    const unsigned char *p;
    const unsigned char *end;
    int depth;
};

static void skip_space(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) {
        ps->p++;
    }
}

/* One UTF-8 sequence (no overlongs, no surrogates, at most U+10FFFF); 0 when invalid. */
static int utf8_sequence(struct parser *ps)
{
    const unsigned char *p = ps->p;
    unsigned char c = *p;
    int extra;
    unsigned min;
    unsigned code;
    if (c < 0x80) {
        ps->p++;
        return 1;
    }
    if (c >= 0xc2 && c < 0xe0) {
        extra = 1, min = 0x80, code = c & 0x1f;
    }
    else if (c >= 0xe0 && c < 0xf0) {
        extra = 2, min = 0x800, code = c & 0x0f;
    }
    else if (c >= 0xf0 && c < 0xf5) {
        extra = 3, min = 0x10000, code = c & 0x07;
    }
    else {
        return 0;
    }
    if (ps->end - p <= extra) {
        return 0;
    }
    for (int i = 1; i <= extra; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        code = (code << 6) | (p[i] & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        return 0;
    }
    ps->p += extra + 1;
    return 1;
}

/* A string; on success start and length give its raw bytes between the quotes. */
static int parse_string(struct parser *ps, const unsigned char **start, size_t *length)
{
    if (ps->p >= ps->end || *ps->p != '"') {
        return 0;
    }
    ps->p++;
    *start = ps->p;
    while (ps->p < ps->end) {
        unsigned char c = *ps->p;
        if (c == '"') {
            *length = (size_t) (ps->p - *start);
            ps->p++;
            return 1;
        }
        if (c < 0x20) {
            return 0;
        }
        if (c == '\\') {
            ps->p++;
            if (ps->p >= ps->end) {
                return 0;
            }
            c = *ps->p;
            if (c == 'u') {
                if (ps->end - ps->p < 5) {
                    return 0;
                }
                for (int i = 1; i <= 4; i++) {
                    unsigned char h = ps->p[i];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) {
                        return 0;
                    }
                }
                ps->p += 5;
            }
            else if (strchr("\"\\/bfnrt", c) != NULL) {
                ps->p++;
            }
            else {
                return 0;
            }
        }
        else if (!utf8_sequence(ps)) {
            return 0;
        }
    }
    return 0;
}

/* A JSON number; on success *value holds it. */
static int parse_number(struct parser *ps, double *value)
{
    const unsigned char *start = ps->p;
    if (ps->p < ps->end && *ps->p == '-') {
        ps->p++;
    }
    if (ps->p >= ps->end) {
        return 0;
    }
    if (*ps->p == '0') {
        ps->p++;
    }
    else if (*ps->p >= '1' && *ps->p <= '9') {
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
            ps->p++;
        }
    }
    else {
        return 0;
    }
    if (ps->p < ps->end && *ps->p == '.') {
        ps->p++;
        if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
            return 0;
        }
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
            ps->p++;
        }
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-')) {
            ps->p++;
        }
        if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
            return 0;
        }
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
            ps->p++;
        }
    }
    char text[64];
    size_t n = (size_t) (ps->p - start);
    if (n >= sizeof text) {
        n = sizeof text - 1;
    }
    memcpy(text, start, n);
    text[n] = '\0';
    *value = strtod(text, NULL);
    return 1;
}

enum kind { NONE, NUMBER, OTHER };

enum separator { BAD, MORE, END };

/* After a member or element: ',' (MORE), the closing CLOSE (END) or anything else (BAD). */
static int separator(struct parser *ps, char close)
{
    skip_space(ps);
    if (ps->p < ps->end && (*ps->p == ',' || *ps->p == close)) {
        return *ps->p++ == ',' ? MORE : END;
    }
    return BAD;
}

static int parse_value(struct parser *ps, enum kind *kind, double *number);

/* An object; at the top level (id != NULL) it records whether "id" and "qty" are numbers and qty's value. */
static int parse_object(struct parser *ps, enum kind *id, enum kind *qty, double *qty_value)
{
    const unsigned char *keys[MAX_KEYS];
    size_t key_lengths[MAX_KEYS];
    int count = 0;
    ps->p++; /* '{' */
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return 1;
    }
    while (1) {
        const unsigned char *key;
        size_t length;
        skip_space(ps);
        if (!parse_string(ps, &key, &length)) {
            return 0;
        }
        for (int i = 0; i < count; i++) {
            if (key_lengths[i] == length && memcmp(keys[i], key, length) == 0) {
                return 0; /* duplicate key */
            }
        }
        if (count < MAX_KEYS) {
            keys[count] = key;
            key_lengths[count++] = length;
        }
        skip_space(ps);
        if (ps->p >= ps->end || *ps->p != ':') {
            return 0;
        }
        ps->p++;
        enum kind kind;
        double number = 0;
        if (!parse_value(ps, &kind, &number)) {
            return 0;
        }
        if (id != NULL && length == 2 && memcmp(key, "id", 2) == 0) {
            *id = kind;
        }
        if (qty != NULL && length == 3 && memcmp(key, "qty", 3) == 0) {
            *qty = kind;
            *qty_value = number;
        }
        int next = separator(ps, '}');
        if (next != MORE) {
            return next == END;
        }
    }
}

static int parse_array(struct parser *ps)
{
    ps->p++; /* '[' */
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return 1;
    }
    while (1) {
        enum kind kind;
        double number;
        if (!parse_value(ps, &kind, &number)) {
            return 0;
        }
        int next = separator(ps, ']');
        if (next != MORE) {
            return next == END;
        }
    }
}

static int literal(struct parser *ps, const char *word)
{
    size_t n = strlen(word);
    if ((size_t) (ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) {
        return 0;
    }
    ps->p += n;
    return 1;
}

static int parse_value(struct parser *ps, enum kind *kind, double *number)
{
    int ok;
    skip_space(ps);
    if (ps->p >= ps->end || ++ps->depth > 500) {
        return 0;
    }
    *kind = OTHER;
    switch (*ps->p) {
    case '{':
        ok = parse_object(ps, NULL, NULL, NULL);
        break;
    case '[':
        ok = parse_array(ps);
        break;
    case '"': {
        const unsigned char *start;
        size_t length;
        ok = parse_string(ps, &start, &length);
        break;
    }
    case 't':
        ok = literal(ps, "true");
        break;
    case 'f':
        ok = literal(ps, "false");
        break;
    case 'n':
        ok = literal(ps, "null");
        break;
    default:
        *kind = NUMBER;
        ok = parse_number(ps, number);
        break;
    }
    ps->depth--;
    return ok;
}

/* The sample's rule: one JSON object, numeric id, numeric qty > 0, nothing after it. */
static int accepted(const char *bytes, size_t length)
{
    struct parser ps = { (const unsigned char *) bytes, (const unsigned char *) bytes + length, 0 };
    enum kind id = NONE, qty = NONE;
    double qty_value = 0;
    skip_space(&ps);
    if (ps.p >= ps.end || *ps.p != '{' || !parse_object(&ps, &id, &qty, &qty_value)) {
        return 0;
    }
    skip_space(&ps);
    return ps.p == ps.end && id == NUMBER && qty == NUMBER && qty_value > 0;
}

static volatile sig_atomic_t stopping;

static void on_signal(int signo)
{
    (void) signo;
    stopping = 1;
}

/* Blocking send; EINTR is retried unless the program is stopping (then the order is dropped). */
static void send_order(mqd_t q, const char *message, size_t length, unsigned priority)
{
    while (mq_send(q, message, length, priority) != 0) {
        if (errno != EINTR) {
            perror("orderroute: mq_send");
            exit(1);
        }
        if (stopping) {
            return;
        }
    }
}

static mqd_t open_queue(const char *name, int flags)
{
    mqd_t q = mq_open(name, flags);
    if (q == (mqd_t) -1) {
        fprintf(stderr, "orderroute: cannot open %s: %s\n", name, strerror(errno));
        exit(1);
    }
    return q;
}

int main(int argc, char **argv)
{
    static const char status[] = ",\"status\":\"ACCEPTED\"";
    if (argc != 4) {
        fprintf(stderr, "usage: orderroute ORDERS PROCESSED REJECTED\n");
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: a blocked mq_receive returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    mqd_t orders = open_queue(argv[1], O_RDONLY);
    mqd_t processed = open_queue(argv[2], O_WRONLY);
    mqd_t rejected = open_queue(argv[3], O_WRONLY);
    struct mq_attr attr;
    if (mq_getattr(orders, &attr) != 0) {
        perror("orderroute: mq_getattr");
        return 1;
    }
    size_t size = (size_t) attr.mq_msgsize;
    char *in = malloc(size);
    char *out = malloc(size + sizeof status);
    if (in == NULL || out == NULL) {
        return 1;
    }
    long routed = 0;
    while (!stopping) {
        unsigned priority;
        ssize_t n = mq_receive(orders, in, size, &priority);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("orderroute: mq_receive");
            return 1;
        }
        size_t length = (size_t) n;
        if (accepted(in, length)) {
            size_t close = length - 1;
            while (in[close] != '}') {
                close--;
            }
            memcpy(out, in, close);
            memcpy(out + close, status, sizeof status - 1);
            memcpy(out + close + sizeof status - 1, in + close, length - close);
            send_order(processed, out, length + sizeof status - 1, priority);
        }
        else {
            send_order(rejected, in, length, priority);
        }
        routed++;
    }
    fprintf(stderr, "orderroute: routed %ld orders\n", routed);
    return 0;
}
