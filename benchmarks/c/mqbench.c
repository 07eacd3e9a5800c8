/*
 * mqbench: the raw C reference for the posixmq benchmarks.
 *
 * It does what the Java benchmarks do, with the same queue shapes, message sizes and iteration style, so every
 * Java figure can be printed as a ratio to this one measured in the same run:
 *
 *   single-thread operations: time-based iterations (--warmup, --iterations, --time-ms), score ns/op per iteration
 *     pair-64, pair-8192     mq_send then mq_receive of one message on one queue, one thread
 *     trysend-full           mq_send on a full O_NONBLOCK queue (EAGAIN)
 *     tryreceive-empty       mq_receive on an empty O_NONBLOCK queue (EAGAIN)
 *     attributes             mq_getattr
 *   two threads: count-based iterations (--messages, --round-trips), blocking descriptors
 *     throughput-64, throughput-8192   producer thread sends N messages, the consumer receives them (ops/s)
 *     pingpong-64                      round trip over two queues to an echo thread (ns per round trip)
 *
 * --idle-threads N starts N threads that only wait, before any benchmark: a process with more than one thread pays
 * more per system call on a descriptor (the kernel then counts references to the open file on every call, about
 * 50 ns per mq_* call on the 2026-12 VM), as every JVM does; 0 (the default) is the single-threaded reference.
 *
 * Output: one line per benchmark, "RESULT<TAB>name<TAB>unit<TAB>score,score,..." (measurement iterations only).
 * Every queue is unlinked right after it is opened, so nothing is left behind even when the run is killed.
 *
 * Also, for scripts: "mqbench create CAPACITY MSGSIZE NAME..." creates queues (mode 0600; existing ones are an
 * error) and "mqbench unlink NAME..." removes queues (missing ones are ignored), e.g. in a cleanup trap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int warmup = 3;
static int iterations = 5;
static long time_ms = 1000;
static long messages = 200000;
static long round_trips = 50000;
static const char *only = NULL;
static long idle_threads = 0;

static void die(const char *what)
{
    fprintf(stderr, "mqbench: %s: %s\n", what, strerror(errno));
    exit(1);
}

static long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* A fresh queue, unlinked at once: the descriptor keeps working and nothing outlives the process. */
static mqd_t open_queue(long capacity, long msgsize, int extra_flags)
{
    static int counter;
    char name[64];
    snprintf(name, sizeof name, "/posixmq-bench-c-%d-%d", (int) getpid(), ++counter);
    struct mq_attr attr = { .mq_maxmsg = capacity, .mq_msgsize = msgsize };
    mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL | extra_flags, 0600, &attr);
    if (q == (mqd_t) -1) {
        die("mq_open");
    }
    if (mq_unlink(name) != 0) {
        die("mq_unlink");
    }
    return q;
}

/* Whether NAME is in the comma-separated --only list (everything when there is none). */
static int selected(const char *name)
{
    if (only == NULL) {
        return 1;
    }
    size_t length = strlen(name);
    for (const char *p = only; *p != '\0';) {
        const char *end = strchr(p, ',');
        size_t n = end == NULL ? strlen(p) : (size_t) (end - p);
        if (n == length && strncmp(p, name, n) == 0) {
            return 1;
        }
        p += end == NULL ? n : n + 1;
    }
    return 0;
}

static void print_result(const char *name, const char *unit, const double *scores, int n)
{
    printf("RESULT\t%s\t%s\t", name, unit);
    for (int i = 0; i < n; i++) {
        printf(i == 0 ? "%.3f" : ",%.3f", scores[i]);
    }
    printf("\n");
    fflush(stdout);
}

/* ------------------------------------------------------------------ single-thread operations */

struct single {
    mqd_t q;
    char *buf;
    char *rbuf;
    size_t size;
    size_t msgsize;
};

static inline void op_pair(struct single *s)
{
    unsigned prio;
    if (mq_send(s->q, s->buf, s->size, 0) != 0) {
        die("mq_send");
    }
    if (mq_receive(s->q, s->rbuf, s->msgsize, &prio) != (ssize_t) s->size) {
        die("mq_receive");
    }
}

static inline void op_trysend_full(struct single *s)
{
    if (mq_send(s->q, s->buf, s->size, 0) != -1 || errno != EAGAIN) {
        die("mq_send on a full queue should fail with EAGAIN");
    }
}

static inline void op_tryreceive_empty(struct single *s)
{
    unsigned prio;
    if (mq_receive(s->q, s->rbuf, s->msgsize, &prio) != -1 || errno != EAGAIN) {
        die("mq_receive on an empty queue should fail with EAGAIN");
    }
}

static inline void op_attributes(struct single *s)
{
    struct mq_attr attr;
    if (mq_getattr(s->q, &attr) != 0) {
        die("mq_getattr");
    }
}

/* One time-based iteration: runs OP in batches of 100 until time_ms passed; returns ns/op. */
#define TIMED_ITERATION(OP, S, RESULT)                                  \
    do {                                                                \
        long start_ = now_ns(), deadline_ = start_ + time_ms * 1000000L; \
        long ops_ = 0, t_;                                              \
        do {                                                            \
            for (int i_ = 0; i_ < 100; i_++) {                          \
                OP(S);                                                  \
            }                                                           \
            ops_ += 100;                                                \
            t_ = now_ns();                                              \
        } while (t_ < deadline_);                                       \
        (RESULT) = (double) (t_ - start_) / ops_;                       \
    } while (0)

#define RUN_SINGLE(NAME, OP, S)                                         \
    do {                                                                \
        if (selected(NAME)) {                                           \
            double scores_[iterations > 0 ? iterations : 1];            \
            double ignored_;                                            \
            for (int w_ = 0; w_ < warmup; w_++) {                       \
                TIMED_ITERATION(OP, S, ignored_);                       \
            }                                                           \
            (void) ignored_;                                            \
            for (int m_ = 0; m_ < iterations; m_++) {                   \
                TIMED_ITERATION(OP, S, scores_[m_]);                    \
            }                                                           \
            print_result(NAME, "ns/op", scores_, iterations);           \
        }                                                               \
    } while (0)

static void single_thread_benchmarks(void)
{
    static const size_t sizes[] = { 64, 8192 };
    for (int i = 0; i < 2; i++) {
        char name[32];
        snprintf(name, sizeof name, "pair-%zu", sizes[i]);
        if (!selected(name)) {
            continue;
        }
        struct single s = { open_queue(10, (long) sizes[i], 0), calloc(1, sizes[i]), calloc(1, sizes[i]), sizes[i],
            sizes[i] };
        RUN_SINGLE(name, op_pair, &s);
        mq_close(s.q);
        free(s.buf);
        free(s.rbuf);
    }
    if (selected("trysend-full")) {
        struct single s = { open_queue(1, 64, O_NONBLOCK), calloc(1, 64), calloc(1, 64), 64, 64 };
        if (mq_send(s.q, s.buf, s.size, 0) != 0) {
            die("mq_send");
        }
        RUN_SINGLE("trysend-full", op_trysend_full, &s);
        mq_close(s.q);
        free(s.buf);
        free(s.rbuf);
    }
    if (selected("tryreceive-empty")) {
        struct single s = { open_queue(1, 64, O_NONBLOCK), calloc(1, 64), calloc(1, 64), 64, 64 };
        RUN_SINGLE("tryreceive-empty", op_tryreceive_empty, &s);
        mq_close(s.q);
        free(s.buf);
        free(s.rbuf);
    }
    if (selected("attributes")) {
        struct single s = { open_queue(10, 64, 0), calloc(1, 64), calloc(1, 64), 64, 64 };
        RUN_SINGLE("attributes", op_attributes, &s);
        mq_close(s.q);
        free(s.buf);
        free(s.rbuf);
    }
}

/* ------------------------------------------------------------------ two threads */

struct peer {
    mqd_t in;       /* the peer receives here (unused by a pure producer) */
    mqd_t out;      /* the peer sends here */
    size_t size;
    long count;
    sem_t go;
};

/* Producer: waits for the go signal, then sends count messages. */
static void *producer(void *arg)
{
    struct peer *p = arg;
    char *buf = calloc(1, p->size);
    while (sem_wait(&p->go) != 0) {
    }
    for (long i = 0; i < p->count; i++) {
        if (mq_send(p->out, buf, p->size, 0) != 0) {
            die("mq_send (producer)");
        }
    }
    free(buf);
    return NULL;
}

/* Echo: waits for the go signal, then count times receives a message and sends it back. */
static void *echo(void *arg)
{
    struct peer *p = arg;
    char *buf = calloc(1, p->size);
    unsigned prio;
    while (sem_wait(&p->go) != 0) {
    }
    for (long i = 0; i < p->count; i++) {
        ssize_t n = mq_receive(p->in, buf, p->size, &prio);
        if (n < 0) {
            die("mq_receive (echo)");
        }
        if (mq_send(p->out, buf, (size_t) n, prio) != 0) {
            die("mq_send (echo)");
        }
    }
    free(buf);
    return NULL;
}

/* Starts BODY on a new thread, which waits until p->go is posted. */
static pthread_t start_peer(struct peer *p, void *(*body)(void *))
{
    pthread_t thread;
    sem_init(&p->go, 0, 0);
    if (pthread_create(&thread, NULL, body, p) != 0) {
        die("pthread_create");
    }
    return thread;
}

static void join_peer(struct peer *p, pthread_t thread)
{
    pthread_join(thread, NULL);
    sem_destroy(&p->go);
}

/* One iteration: count messages from a producer thread to this thread; returns messages per second. */
static double throughput_iteration(mqd_t q, size_t size, long count)
{
    struct peer p = { .in = q, .out = q, .size = size, .count = count };
    char *buf = calloc(1, size);
    unsigned prio;
    pthread_t thread = start_peer(&p, producer);
    long start = now_ns();
    sem_post(&p.go);
    for (long i = 0; i < count; i++) {
        if (mq_receive(q, buf, size, &prio) != (ssize_t) size) {
            die("mq_receive (consumer)");
        }
    }
    long elapsed = now_ns() - start;
    join_peer(&p, thread);
    free(buf);
    return count * 1e9 / elapsed;
}

/* One iteration: count round trips through an echo thread; returns ns per round trip. */
static double pingpong_iteration(mqd_t ping, mqd_t pong, size_t size, long count)
{
    struct peer p = { .in = ping, .out = pong, .size = size, .count = count };
    char *buf = calloc(1, size);
    unsigned prio;
    pthread_t thread = start_peer(&p, echo);
    long start = now_ns();
    sem_post(&p.go);
    for (long i = 0; i < count; i++) {
        if (mq_send(ping, buf, size, 0) != 0) {
            die("mq_send (ping)");
        }
        if (mq_receive(pong, buf, size, &prio) != (ssize_t) size) {
            die("mq_receive (pong)");
        }
    }
    long elapsed = now_ns() - start;
    join_peer(&p, thread);
    free(buf);
    return (double) elapsed / count;
}

static void two_thread_benchmarks(void)
{
    double scores[iterations > 0 ? iterations : 1];
    static const size_t sizes[] = { 64, 8192 };
    for (int i = 0; i < 2; i++) {
        char name[32];
        snprintf(name, sizeof name, "throughput-%zu", sizes[i]);
        if (!selected(name)) {
            continue;
        }
        mqd_t q = open_queue(10, (long) sizes[i], 0);
        for (int w = 0; w < warmup; w++) {
            throughput_iteration(q, sizes[i], messages);
        }
        for (int m = 0; m < iterations; m++) {
            scores[m] = throughput_iteration(q, sizes[i], messages);
        }
        print_result(name, "ops/s", scores, iterations);
        mq_close(q);
    }
    if (selected("pingpong-64")) {
        mqd_t ping = open_queue(10, 64, 0);
        mqd_t pong = open_queue(10, 64, 0);
        for (int w = 0; w < warmup; w++) {
            pingpong_iteration(ping, pong, 64, round_trips);
        }
        for (int m = 0; m < iterations; m++) {
            scores[m] = pingpong_iteration(ping, pong, 64, round_trips);
        }
        print_result("pingpong-64", "ns/op", scores, iterations);
        mq_close(ping);
        mq_close(pong);
    }
}

/* ------------------------------------------------------------------ main */

/* An idle thread (--idle-threads): it only makes the process multi-threaded. */
static void *idle(void *unused)
{
    (void) unused;
    for (;;) {
        pause();
    }
    return NULL;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: mqbench [--warmup N] [--iterations N] [--time-ms MS] [--messages N] [--round-trips N]"
            " [--only NAME,NAME...] [--idle-threads N]\n"
            "       mqbench create CAPACITY MSGSIZE NAME...\n"
            "       mqbench unlink NAME...\n");
    exit(2);
}

static long number(const char *text)
{
    char *end;
    long value = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || value < 0) {
        fprintf(stderr, "mqbench: not a number: %s\n", text);
        exit(2);
    }
    return value;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "unlink") == 0) {
        int status = 0;
        for (int i = 2; i < argc; i++) {
            if (mq_unlink(argv[i]) != 0 && errno != ENOENT) {
                fprintf(stderr, "mqbench: cannot unlink %s: %s\n", argv[i], strerror(errno));
                status = 1;
            }
        }
        return status;
    }
    if (argc > 3 && strcmp(argv[1], "create") == 0) {
        struct mq_attr attr = { .mq_maxmsg = number(argv[2]), .mq_msgsize = number(argv[3]) };
        for (int i = 4; i < argc; i++) {
            mqd_t q = mq_open(argv[i], O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
            if (q == (mqd_t) -1) {
                fprintf(stderr, "mqbench: cannot create %s: %s\n", argv[i], strerror(errno));
                return 1;
            }
            mq_close(q);
        }
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) {
            usage();
        }
        const char *option = argv[i];
        const char *value = argv[++i];
        if (strcmp(option, "--warmup") == 0) {
            warmup = (int) number(value);
        }
        else if (strcmp(option, "--iterations") == 0) {
            iterations = (int) number(value);
        }
        else if (strcmp(option, "--time-ms") == 0) {
            time_ms = number(value);
        }
        else if (strcmp(option, "--messages") == 0) {
            messages = number(value);
        }
        else if (strcmp(option, "--round-trips") == 0) {
            round_trips = number(value);
        }
        else if (strcmp(option, "--only") == 0) {
            only = value;
        }
        else if (strcmp(option, "--idle-threads") == 0) {
            idle_threads = number(value);
        }
        else {
            usage();
        }
    }
    if (iterations < 1 || time_ms < 1 || messages < 1 || round_trips < 1) {
        usage();
    }
    for (long t = 0; t < idle_threads; t++) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, idle, NULL) != 0) {
            die("pthread_create");
        }
    }
    single_thread_benchmarks();
    two_thread_benchmarks();
    return 0;
}
